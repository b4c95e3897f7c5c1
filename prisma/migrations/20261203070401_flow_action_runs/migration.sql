-- CreateTable
CREATE TABLE "FlowActionRun" (
    "shopDomain" TEXT NOT NULL,
    "actionRunId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "orderStatus" TEXT,
    "outcome" TEXT NOT NULL,
    "reason" TEXT,
    "messageId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shopDomain", "actionRunId")
);

-- CreateIndex
CREATE INDEX "FlowActionRun_createdAt_idx" ON "FlowActionRun"("createdAt");

