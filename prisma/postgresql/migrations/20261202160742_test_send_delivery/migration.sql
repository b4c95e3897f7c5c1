-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "testDelivery" TEXT,
ADD COLUMN     "testMessageId" TEXT;

