-- CreateTable
CREATE TABLE "OrderOptIn" (
    "shopDomain" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "customerId" TEXT,
    "consent" TEXT NOT NULL,
    "consentAt" TIMESTAMP(3) NOT NULL,
    "source" TEXT NOT NULL,
    "wording" TEXT NOT NULL,

    CONSTRAINT "OrderOptIn_pkey" PRIMARY KEY ("shopDomain","orderId")
);

-- CreateIndex
CREATE INDEX "OrderOptIn_consentAt_idx" ON "OrderOptIn"("consentAt");

