-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" TIMESTAMP(3),
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN NOT NULL DEFAULT false,
    "locale" TEXT,
    "collaborator" BOOLEAN DEFAULT false,
    "emailVerified" BOOLEAN DEFAULT false,
    "refreshToken" TEXT,
    "refreshTokenExpires" TIMESTAMP(3),

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Shop" (
    "domain" TEXT NOT NULL,
    "name" TEXT,
    "installed" BOOLEAN NOT NULL DEFAULT true,
    "uninstalledAt" TIMESTAMP(3),
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "kaleyraSid" TEXT,
    "apiKeyCipher" TEXT,
    "apiKeyLast4" TEXT,
    "pod" TEXT NOT NULL DEFAULT 'IN',
    "businessNumber" TEXT,
    "referenceIdSource" TEXT NOT NULL DEFAULT 'order_id',
    "referenceIdAttribute" TEXT,
    "sendProcessingOnCreate" BOOLEAN NOT NULL DEFAULT true,
    "pausedReason" TEXT,
    "pausedCode" TEXT,
    "pausedDetail" TEXT,
    "pausedAt" TIMESTAMP(3),
    "resumeAt" TIMESTAMP(3),
    "credentialsVerifiedAt" TIMESTAMP(3),
    "testMessageSentAt" TIMESTAMP(3),
    "templatesReviewedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Shop_pkey" PRIMARY KEY ("domain")
);

-- CreateTable
CREATE TABLE "Template" (
    "id" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "body" TEXT NOT NULL,
    "description" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Template_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookEvent" (
    "id" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "eventKey" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "orderId" TEXT,
    "triggeredAt" TIMESTAMP(3),
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "outcome" TEXT NOT NULL,
    "reason" TEXT,

    CONSTRAINT "WebhookEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrderState" (
    "shopDomain" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "orderName" TEXT,
    "knowledge" TEXT NOT NULL,
    "lookupDueAt" TIMESTAMP(3),
    "lookupAttempts" INTEGER NOT NULL DEFAULT 0,
    "lookupError" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OrderState_pkey" PRIMARY KEY ("shopDomain","orderId")
);

-- CreateTable
CREATE TABLE "Message" (
    "id" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "orderName" TEXT,
    "status" TEXT NOT NULL,
    "fulfillmentId" TEXT,
    "dedupeKey" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "rank" INTEGER NOT NULL,
    "recipient" TEXT,
    "recipientSource" TEXT,
    "referenceId" TEXT,
    "bodyText" TEXT,
    "description" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseUntil" TIMESTAMP(3),
    "lockedBy" TEXT,
    "kaleyraMessageId" TEXT,
    "lastOutcome" TEXT,
    "lastCode" TEXT,
    "lastHttpStatus" INTEGER,
    "lastDetail" TEXT,
    "requestJson" TEXT,
    "skipReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "Message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SendWindow" (
    "businessNumber" TEXT NOT NULL,
    "second" BIGINT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "SendWindow_pkey" PRIMARY KEY ("businessNumber","second")
);

-- CreateTable
CREATE TABLE "RecipientPace" (
    "shopDomain" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "nextAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RecipientPace_pkey" PRIMARY KEY ("shopDomain","recipient")
);

-- CreateTable
CREATE TABLE "DataRequest" (
    "id" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "requestId" TEXT,
    "customerId" TEXT,
    "report" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DataRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE UNIQUE INDEX "Template_shopDomain_status_key" ON "Template"("shopDomain", "status");

-- CreateIndex
CREATE INDEX "WebhookEvent_shopDomain_receivedAt_idx" ON "WebhookEvent"("shopDomain", "receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookEvent_shopDomain_eventKey_key" ON "WebhookEvent"("shopDomain", "eventKey");

-- CreateIndex
CREATE INDEX "OrderState_lookupDueAt_idx" ON "OrderState"("lookupDueAt");

-- CreateIndex
CREATE INDEX "Message_state_nextAttemptAt_idx" ON "Message"("state", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "Message_shopDomain_createdAt_idx" ON "Message"("shopDomain", "createdAt");

-- CreateIndex
CREATE INDEX "Message_shopDomain_orderId_idx" ON "Message"("shopDomain", "orderId");

-- CreateIndex
CREATE INDEX "Message_shopDomain_recipient_sentAt_idx" ON "Message"("shopDomain", "recipient", "sentAt");

-- CreateIndex
CREATE UNIQUE INDEX "Message_shopDomain_dedupeKey_key" ON "Message"("shopDomain", "dedupeKey");

-- CreateIndex
CREATE INDEX "DataRequest_shopDomain_createdAt_idx" ON "DataRequest"("shopDomain", "createdAt");

