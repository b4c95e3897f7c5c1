-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "inPersonSales" TEXT NOT NULL DEFAULT 'nothing';

