-- AlterTable
ALTER TABLE "WebhookEvent" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "body" TEXT,
ADD COLUMN     "lane" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "nextAttemptAt" TIMESTAMP(3),
ADD COLUMN     "processedAt" TIMESTAMP(3),
ADD COLUMN     "source" TEXT NOT NULL DEFAULT 'shopify';

-- CreateIndex
CREATE INDEX "WebhookEvent_outcome_nextAttemptAt_idx" ON "WebhookEvent"("outcome", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "WebhookEvent_shopDomain_lane_outcome_idx" ON "WebhookEvent"("shopDomain", "lane", "outcome");

