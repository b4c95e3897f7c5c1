-- CreateTable
CREATE TABLE "WhatsAppTemplate" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopDomain" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'utility',
    "status" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "bodyParams" TEXT NOT NULL,
    "headerParam" TEXT,
    "buttonParam" TEXT,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Shopper" (
    "shopDomain" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "lastInboundAt" DATETIME,
    "inboundNumber" TEXT,
    "consent" TEXT,
    "consentAt" DATETIME,
    "consentSource" TEXT,
    "consentWording" TEXT,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shopDomain", "phone")
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Shop" (
    "domain" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT,
    "installed" BOOLEAN NOT NULL DEFAULT true,
    "uninstalledAt" DATETIME,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "kaleyraSid" TEXT,
    "apiKeyCipher" TEXT,
    "apiKeyLast4" TEXT,
    "pod" TEXT NOT NULL DEFAULT 'IN',
    "businessNumber" TEXT,
    "referenceIdSource" TEXT NOT NULL DEFAULT 'order_id',
    "referenceIdAttribute" TEXT,
    "sendProcessingOnCreate" BOOLEAN NOT NULL DEFAULT true,
    "inPersonSales" TEXT NOT NULL DEFAULT 'nothing',
    "giftRecipients" TEXT NOT NULL DEFAULT 'buyer',
    "pausedReason" TEXT,
    "pausedCode" TEXT,
    "pausedDetail" TEXT,
    "pausedAt" DATETIME,
    "resumeAt" DATETIME,
    "credentialsVerifiedAt" DATETIME,
    "testMessageSentAt" DATETIME,
    "templatesReviewedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "callbackSecretCipher" TEXT,
    "callbackToken" TEXT,
    "firstCallbackAt" DATETIME,
    "testDelivery" TEXT,
    "testMessageId" TEXT,
    "checkoutConsent" BOOLEAN NOT NULL DEFAULT false,
    "consentPolicy" TEXT NOT NULL DEFAULT 'everyone',
    "messageForm" TEXT NOT NULL DEFAULT 'auto',
    "optInKeywords" TEXT,
    "optOutConfirmation" BOOLEAN NOT NULL DEFAULT true,
    "optOutKeywords" TEXT,
    "templateLanguage" TEXT NOT NULL DEFAULT 'en'
);
INSERT INTO "new_Shop" ("apiKeyCipher", "apiKeyLast4", "businessNumber", "callbackSecretCipher", "callbackToken", "createdAt", "credentialsVerifiedAt", "domain", "enabled", "firstCallbackAt", "giftRecipients", "inPersonSales", "installed", "kaleyraSid", "name", "pausedAt", "pausedCode", "pausedDetail", "pausedReason", "pod", "referenceIdAttribute", "referenceIdSource", "resumeAt", "sendProcessingOnCreate", "templatesReviewedAt", "testDelivery", "testMessageId", "testMessageSentAt", "uninstalledAt", "updatedAt") SELECT "apiKeyCipher", "apiKeyLast4", "businessNumber", "callbackSecretCipher", "callbackToken", "createdAt", "credentialsVerifiedAt", "domain", "enabled", "firstCallbackAt", "giftRecipients", "inPersonSales", "installed", "kaleyraSid", "name", "pausedAt", "pausedCode", "pausedDetail", "pausedReason", "pod", "referenceIdAttribute", "referenceIdSource", "resumeAt", "sendProcessingOnCreate", "templatesReviewedAt", "testDelivery", "testMessageId", "testMessageSentAt", "uninstalledAt", "updatedAt" FROM "Shop";
DROP TABLE "Shop";
ALTER TABLE "new_Shop" RENAME TO "Shop";
CREATE UNIQUE INDEX "Shop_callbackToken_key" ON "Shop"("callbackToken");
CREATE TABLE "new_Message" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopDomain" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "orderName" TEXT,
    "orderStatus" TEXT NOT NULL,
    "fulfillmentId" TEXT,
    "dedupeKey" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "rank" INTEGER NOT NULL,
    "recipient" TEXT,
    "recipientSource" TEXT,
    "referenceId" TEXT,
    "bodyText" TEXT,
    "description" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseUntil" DATETIME,
    "lockedBy" TEXT,
    "kaleyraMessageId" TEXT,
    "lastOutcome" TEXT,
    "lastCode" TEXT,
    "lastHttpStatus" INTEGER,
    "lastDetail" TEXT,
    "requestJson" TEXT,
    "skipReason" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "sentAt" DATETIME,
    "omittedLinks" TEXT,
    "audience" TEXT NOT NULL DEFAULT 'buyer',
    "deliveredAt" DATETIME,
    "deliveryState" TEXT,
    "failedAt" DATETIME,
    "failure" TEXT,
    "readAt" DATETIME,
    "whatsappSentAt" DATETIME,
    "fallbackOf" TEXT,
    "form" TEXT NOT NULL DEFAULT 'interactive',
    "formReason" TEXT,
    "templateLanguage" TEXT,
    "templateName" TEXT,
    "templateParams" TEXT
);
INSERT INTO "new_Message" ("attempts", "audience", "bodyText", "createdAt", "dedupeKey", "deliveredAt", "deliveryState", "description", "failedAt", "failure", "fulfillmentId", "id", "kaleyraMessageId", "lastCode", "lastDetail", "lastHttpStatus", "lastOutcome", "leaseUntil", "lockedBy", "nextAttemptAt", "omittedLinks", "orderId", "orderName", "orderStatus", "rank", "readAt", "recipient", "recipientSource", "referenceId", "requestJson", "sentAt", "shopDomain", "skipReason", "state", "updatedAt", "whatsappSentAt") SELECT "attempts", "audience", "bodyText", "createdAt", "dedupeKey", "deliveredAt", "deliveryState", "description", "failedAt", "failure", "fulfillmentId", "id", "kaleyraMessageId", "lastCode", "lastDetail", "lastHttpStatus", "lastOutcome", "leaseUntil", "lockedBy", "nextAttemptAt", "omittedLinks", "orderId", "orderName", "orderStatus", "rank", "readAt", "recipient", "recipientSource", "referenceId", "requestJson", "sentAt", "shopDomain", "skipReason", "state", "updatedAt", "whatsappSentAt" FROM "Message";
DROP TABLE "Message";
ALTER TABLE "new_Message" RENAME TO "Message";
CREATE INDEX "Message_state_nextAttemptAt_idx" ON "Message"("state", "nextAttemptAt");
CREATE INDEX "Message_shopDomain_createdAt_idx" ON "Message"("shopDomain", "createdAt");
CREATE INDEX "Message_shopDomain_orderId_idx" ON "Message"("shopDomain", "orderId");
CREATE INDEX "Message_shopDomain_recipient_sentAt_idx" ON "Message"("shopDomain", "recipient", "sentAt");
CREATE INDEX "Message_shopDomain_kaleyraMessageId_idx" ON "Message"("shopDomain", "kaleyraMessageId");
CREATE UNIQUE INDEX "Message_shopDomain_dedupeKey_key" ON "Message"("shopDomain", "dedupeKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "WhatsAppTemplate_shopDomain_kind_status_language_key" ON "WhatsAppTemplate"("shopDomain", "kind", "status", "language");

