-- CreateTable
CREATE TABLE "FlowActionRun" (
    "shopDomain" TEXT NOT NULL,
    "actionRunId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "orderStatus" TEXT,
    "outcome" TEXT NOT NULL,
    "reason" TEXT,
    "messageId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FlowActionRun_pkey" PRIMARY KEY ("shopDomain","actionRunId")
);

-- CreateIndex
CREATE INDEX "FlowActionRun_createdAt_idx" ON "FlowActionRun"("createdAt");

