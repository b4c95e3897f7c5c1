-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "checkoutConsent" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "consentPolicy" TEXT NOT NULL DEFAULT 'everyone',
ADD COLUMN     "messageForm" TEXT NOT NULL DEFAULT 'auto',
ADD COLUMN     "optInKeywords" TEXT,
ADD COLUMN     "optOutConfirmation" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "optOutKeywords" TEXT,
ADD COLUMN     "templateLanguage" TEXT NOT NULL DEFAULT 'en';

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "fallbackOf" TEXT,
ADD COLUMN     "form" TEXT NOT NULL DEFAULT 'interactive',
ADD COLUMN     "formReason" TEXT,
ADD COLUMN     "templateLanguage" TEXT,
ADD COLUMN     "templateName" TEXT,
ADD COLUMN     "templateParams" TEXT;

-- CreateTable
CREATE TABLE "WhatsAppTemplate" (
    "id" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'utility',
    "status" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "bodyParams" TEXT NOT NULL,
    "headerParam" TEXT,
    "buttonParam" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WhatsAppTemplate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Shopper" (
    "shopDomain" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "lastInboundAt" TIMESTAMP(3),
    "inboundNumber" TEXT,
    "consent" TEXT,
    "consentAt" TIMESTAMP(3),
    "consentSource" TEXT,
    "consentWording" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Shopper_pkey" PRIMARY KEY ("shopDomain","phone")
);

-- CreateIndex
CREATE UNIQUE INDEX "WhatsAppTemplate_shopDomain_kind_status_language_key" ON "WhatsAppTemplate"("shopDomain", "kind", "status", "language");

