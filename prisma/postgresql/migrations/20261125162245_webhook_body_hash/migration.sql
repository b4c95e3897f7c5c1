-- CreateTable
CREATE TABLE "WebhookBody" (
    "hash" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WebhookBody_pkey" PRIMARY KEY ("hash")
);

-- CreateIndex
CREATE INDEX "WebhookBody_receivedAt_idx" ON "WebhookBody"("receivedAt");

