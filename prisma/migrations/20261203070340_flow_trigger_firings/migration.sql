-- CreateTable
CREATE TABLE "FlowTriggerFiring" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopDomain" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL,
    "firedAt" DATETIME,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "FlowTriggerFiring_state_nextAttemptAt_idx" ON "FlowTriggerFiring"("state", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "FlowTriggerFiring_shopDomain_idx" ON "FlowTriggerFiring"("shopDomain");

-- CreateIndex
CREATE UNIQUE INDEX "FlowTriggerFiring_messageId_trigger_key" ON "FlowTriggerFiring"("messageId", "trigger");

