-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "giftRecipients" TEXT NOT NULL DEFAULT 'buyer';

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "audience" TEXT NOT NULL DEFAULT 'buyer';

