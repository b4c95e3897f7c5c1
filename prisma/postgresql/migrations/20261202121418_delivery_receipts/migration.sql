-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "callbackSecretCipher" TEXT,
ADD COLUMN     "callbackToken" TEXT,
ADD COLUMN     "firstCallbackAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "deliveredAt" TIMESTAMP(3),
ADD COLUMN     "deliveryState" TEXT,
ADD COLUMN     "failedAt" TIMESTAMP(3),
ADD COLUMN     "failure" TEXT,
ADD COLUMN     "readAt" TIMESTAMP(3),
ADD COLUMN     "whatsappSentAt" TIMESTAMP(3);

-- CreateIndex
CREATE UNIQUE INDEX "Shop_callbackToken_key" ON "Shop"("callbackToken");

-- CreateIndex
CREATE INDEX "Message_shopDomain_kaleyraMessageId_idx" ON "Message"("shopDomain", "kaleyraMessageId");

