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
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Shop" ("apiKeyCipher", "apiKeyLast4", "businessNumber", "createdAt", "credentialsVerifiedAt", "domain", "enabled", "inPersonSales", "installed", "kaleyraSid", "name", "pausedAt", "pausedCode", "pausedDetail", "pausedReason", "pod", "referenceIdAttribute", "referenceIdSource", "resumeAt", "sendProcessingOnCreate", "templatesReviewedAt", "testMessageSentAt", "uninstalledAt", "updatedAt") SELECT "apiKeyCipher", "apiKeyLast4", "businessNumber", "createdAt", "credentialsVerifiedAt", "domain", "enabled", "inPersonSales", "installed", "kaleyraSid", "name", "pausedAt", "pausedCode", "pausedDetail", "pausedReason", "pod", "referenceIdAttribute", "referenceIdSource", "resumeAt", "sendProcessingOnCreate", "templatesReviewedAt", "testMessageSentAt", "uninstalledAt", "updatedAt" FROM "Shop";
DROP TABLE "Shop";
ALTER TABLE "new_Shop" RENAME TO "Shop";
CREATE TABLE "new_Message" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopDomain" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "orderName" TEXT,
    "status" TEXT NOT NULL,
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
    "audience" TEXT NOT NULL DEFAULT 'buyer'
);
INSERT INTO "new_Message" ("attempts", "bodyText", "createdAt", "dedupeKey", "description", "fulfillmentId", "id", "kaleyraMessageId", "lastCode", "lastDetail", "lastHttpStatus", "lastOutcome", "leaseUntil", "lockedBy", "nextAttemptAt", "omittedLinks", "orderId", "orderName", "rank", "recipient", "recipientSource", "referenceId", "requestJson", "sentAt", "shopDomain", "skipReason", "state", "status", "updatedAt") SELECT "attempts", "bodyText", "createdAt", "dedupeKey", "description", "fulfillmentId", "id", "kaleyraMessageId", "lastCode", "lastDetail", "lastHttpStatus", "lastOutcome", "leaseUntil", "lockedBy", "nextAttemptAt", "omittedLinks", "orderId", "orderName", "rank", "recipient", "recipientSource", "referenceId", "requestJson", "sentAt", "shopDomain", "skipReason", "state", "status", "updatedAt" FROM "Message";
DROP TABLE "Message";
ALTER TABLE "new_Message" RENAME TO "Message";
CREATE INDEX "Message_state_nextAttemptAt_idx" ON "Message"("state", "nextAttemptAt");
CREATE INDEX "Message_shopDomain_createdAt_idx" ON "Message"("shopDomain", "createdAt");
CREATE INDEX "Message_shopDomain_orderId_idx" ON "Message"("shopDomain", "orderId");
CREATE INDEX "Message_shopDomain_recipient_sentAt_idx" ON "Message"("shopDomain", "recipient", "sentAt");
CREATE UNIQUE INDEX "Message_shopDomain_dedupeKey_key" ON "Message"("shopDomain", "dedupeKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

