-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "omittedLinks" TEXT;

