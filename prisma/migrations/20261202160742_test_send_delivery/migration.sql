-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "testDelivery" TEXT;
ALTER TABLE "Shop" ADD COLUMN "testMessageId" TEXT;

