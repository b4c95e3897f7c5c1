-- Renamed, not dropped and added: the column holds every message's order status.
ALTER TABLE "Message" RENAME COLUMN "status" TO "orderStatus";
