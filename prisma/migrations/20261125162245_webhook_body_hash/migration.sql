-- CreateTable
CREATE TABLE "WebhookBody" (
    "hash" TEXT NOT NULL PRIMARY KEY,
    "shopDomain" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "WebhookBody_receivedAt_idx" ON "WebhookBody"("receivedAt");

