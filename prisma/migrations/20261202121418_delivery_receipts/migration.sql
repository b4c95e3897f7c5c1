-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "callbackSecretCipher" TEXT;
ALTER TABLE "Shop" ADD COLUMN "callbackToken" TEXT;
ALTER TABLE "Shop" ADD COLUMN "firstCallbackAt" DATETIME;

-- AlterTable
ALTER TABLE "Message" ADD COLUMN "deliveredAt" DATETIME;
ALTER TABLE "Message" ADD COLUMN "deliveryState" TEXT;
ALTER TABLE "Message" ADD COLUMN "failedAt" DATETIME;
ALTER TABLE "Message" ADD COLUMN "failure" TEXT;
ALTER TABLE "Message" ADD COLUMN "readAt" DATETIME;
ALTER TABLE "Message" ADD COLUMN "whatsappSentAt" DATETIME;

-- CreateIndex
CREATE UNIQUE INDEX "Shop_callbackToken_key" ON "Shop"("callbackToken");

-- CreateIndex
CREATE INDEX "Message_shopDomain_kaleyraMessageId_idx" ON "Message"("shopDomain", "kaleyraMessageId");

