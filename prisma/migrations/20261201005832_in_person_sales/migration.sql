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
INSERT INTO "new_Shop" ("apiKeyCipher", "apiKeyLast4", "businessNumber", "createdAt", "credentialsVerifiedAt", "domain", "enabled", "installed", "kaleyraSid", "name", "pausedAt", "pausedCode", "pausedDetail", "pausedReason", "pod", "referenceIdAttribute", "referenceIdSource", "resumeAt", "sendProcessingOnCreate", "templatesReviewedAt", "testMessageSentAt", "uninstalledAt", "updatedAt") SELECT "apiKeyCipher", "apiKeyLast4", "businessNumber", "createdAt", "credentialsVerifiedAt", "domain", "enabled", "installed", "kaleyraSid", "name", "pausedAt", "pausedCode", "pausedDetail", "pausedReason", "pod", "referenceIdAttribute", "referenceIdSource", "resumeAt", "sendProcessingOnCreate", "templatesReviewedAt", "testMessageSentAt", "uninstalledAt", "updatedAt" FROM "Shop";
DROP TABLE "Shop";
ALTER TABLE "new_Shop" RENAME TO "Shop";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

