-- CreateTable
CREATE TABLE "FlowTriggerFiring" (
    "id" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL,
    "firedAt" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FlowTriggerFiring_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "FlowTriggerFiring_state_nextAttemptAt_idx" ON "FlowTriggerFiring"("state", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "FlowTriggerFiring_shopDomain_idx" ON "FlowTriggerFiring"("shopDomain");

-- CreateIndex
CREATE UNIQUE INDEX "FlowTriggerFiring_messageId_trigger_key" ON "FlowTriggerFiring"("messageId", "trigger");

