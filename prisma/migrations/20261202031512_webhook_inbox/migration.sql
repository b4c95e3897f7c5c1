-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_WebhookEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopDomain" TEXT NOT NULL,
    "eventKey" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "orderId" TEXT,
    "triggeredAt" DATETIME,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "outcome" TEXT NOT NULL,
    "reason" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "body" TEXT,
    "lane" TEXT NOT NULL DEFAULT '',
    "nextAttemptAt" DATETIME,
    "processedAt" DATETIME,
    "source" TEXT NOT NULL DEFAULT 'shopify'
);
INSERT INTO "new_WebhookEvent" ("eventKey", "id", "orderId", "outcome", "reason", "receivedAt", "shopDomain", "topic", "triggeredAt", "webhookId") SELECT "eventKey", "id", "orderId", "outcome", "reason", "receivedAt", "shopDomain", "topic", "triggeredAt", "webhookId" FROM "WebhookEvent";
DROP TABLE "WebhookEvent";
ALTER TABLE "new_WebhookEvent" RENAME TO "WebhookEvent";
CREATE INDEX "WebhookEvent_shopDomain_receivedAt_idx" ON "WebhookEvent"("shopDomain", "receivedAt");
CREATE INDEX "WebhookEvent_receivedAt_idx" ON "WebhookEvent"("receivedAt");
CREATE INDEX "WebhookEvent_webhookId_idx" ON "WebhookEvent"("webhookId");
CREATE INDEX "WebhookEvent_outcome_nextAttemptAt_idx" ON "WebhookEvent"("outcome", "nextAttemptAt");
CREATE INDEX "WebhookEvent_shopDomain_lane_outcome_idx" ON "WebhookEvent"("shopDomain", "lane", "outcome");
CREATE UNIQUE INDEX "WebhookEvent_shopDomain_eventKey_key" ON "WebhookEvent"("shopDomain", "eventKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

