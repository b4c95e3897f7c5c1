-- AlterTable
ALTER TABLE "WebhookBody" ADD COLUMN     "topic" TEXT;

