/**
 * The Settings page's server side: reading the shop's settings for the form, saving them in
 * one atomic write, and the test send.
 *
 * The API key is write-only: it is encrypted before it is stored, only its last four
 * characters ever leave this module, and an empty key field keeps the stored key.
 */
import { INBOUND_PATH_PREFIX } from "../consent/kaleyra-inbound";
import { config } from "../config.server";
import { decryptSecret, encryptSecret, lastFour, SecretDecryptionError } from "../crypto/secrets.server";
import { lockShop, readShop, recordTestSend, saveCallbackCredentials, saveShop, type ShopRecord } from "../db/repositories/shops.server";
import { CALLBACK_SECRET_HEADER, newCallbackToken } from "../receipts/receive.server";
import { findTemplate } from "../db/repositories/templates.server";
import { createKaleyraClient, type KaleyraClient } from "../kaleyra/client.server";
import { outcomeKey } from "../kaleyra/outcome";
import { isPod, type Pod } from "../kaleyra/pods";
import { KEY_UNREADABLE_DETAIL, resumeShop } from "../outbox/pause.server";
import { announceQueuedMessages } from "../outbox/notify.server";
import { logger } from "../logger.server";
import { giftRecipientsPref, type GiftRecipientsPref } from "../orders/gift-recipients";
import { consentPolicyOf, forcedFormOf } from "../messages/form-decision";
import { shopDisplayName } from "../shops/domain";
import { DEFAULT_TEMPLATES } from "../templates/defaults";
import { renderMessage } from "../templates/render";
import { SAMPLE_VALUES } from "../templates/variables";
import type { AdminDeps } from "./deps.server";
import { fieldErrorsOf, type FieldErrors } from "./form-data";
import { callbackFormSchema, settingsFormSchema, testSendFormSchema } from "./settings";
import { testSendHelp } from "./test-send-help";
import { isKeyUnreadable, shopStatus } from "./shop-status.server";
import { sendingState, type SendingState } from "./sending-state";
import { REFERENCE_ID_SOURCES, type ReachingShoppersValues, type ReferenceIdSourceName, type TestSendReport } from "./settings-options";
import { CALLBACK_PATH_PREFIX } from "../receipts/kaleyra-callback";
import { columnsOf, parseRecord, serializeRecord } from "../receipts/delivery-state";
import { shownDelivery, type ShownDelivery } from "./delivery";

/** The reference id of test messages: valid for WhatsApp and never an order's id. */
export const TEST_REFERENCE_ID = "test-message";

/** Where Kaleyra posts the messages shoppers send to the shop's number: this, then the shop's callback token. */

export interface SettingsView extends ReachingShoppersValues {
  kaleyraSid: string;
  pod: Pod;
  businessNumber: string;
  enabled: boolean;
  referenceIdSource: ReferenceIdSourceName;
  referenceIdAttribute: string;
  sendProcessingOnCreate: boolean;
  /** An in-person (POS) sale with nothing to ship gets one thank-you message. */
  thankInPersonSales: boolean;
  /** Who hears about a gift order: the buyer, also the recipient, or the recipient instead. */
  giftRecipients: GiftRecipientsPref;
  /** Last four characters of the stored key, or null when none is stored. */
  apiKeyLast4: string | null;
  /** A key is stored but cannot be decrypted with the current ENCRYPTION_KEY. */
  apiKeyUnreadable: boolean;
  credentialsVerifiedAt: string | null;
  testMessageSentAt: string | null;
  /** What Kaleyra's callbacks said of the latest accepted test message, if any came yet. */
  testDelivery: ShownDelivery | null;
  /** What the worker recorded when Kaleyra refused the settings (sending waits for Resume sending). */
  configErrorDetail: string | null;
  sending: SendingState;
  /**
   * Kaleyra's status callbacks: where to send them (the secret is write-only) and whether any
   * came; and the number's Incoming URL for shoppers' messages, with the same token and secret.
   */
  callbacks: { url: string | null; inboundUrl: string | null; header: string; firstCallbackAt: string | null };
}

export { isKeyUnreadable } from "./shop-status.server";

function referenceIdSourceName(value: string): ReferenceIdSourceName {
  return (REFERENCE_ID_SOURCES as readonly string[]).includes(value) ? (value as ReferenceIdSourceName) : "order_id";
}

function shownTestDelivery(stored: string | null): ShownDelivery | null {
  const record = parseRecord(stored);
  return record ? shownDelivery(columnsOf(record)) : null;
}

/** The latest test message's delivery alone: Settings asks again while it waits for WhatsApp's answer. */
export async function loadTestDelivery(deps: AdminDeps, shopDomain: string): Promise<ShownDelivery | null> {
  return shownTestDelivery((await readShop(deps.sql, shopDomain))?.testDelivery ?? null);
}

export async function loadSettings(deps: AdminDeps, shopDomain: string): Promise<SettingsView> {
  const shop = await readShop(deps.sql, shopDomain);
  // A token without a stored secret is not set up: nothing could authenticate to its URLs.
  const token = shop?.callbackToken && shop.callbackSecretCipher ? shop.callbackToken : null;
  return {
    kaleyraSid: shop?.kaleyraSid ?? "",
    pod: shop && isPod(shop.pod) ? shop.pod : "IN",
    businessNumber: shop?.businessNumber ?? "",
    enabled: shop?.enabled ?? false,
    referenceIdSource: referenceIdSourceName(shop?.referenceIdSource ?? "order_id"),
    referenceIdAttribute: shop?.referenceIdAttribute ?? "",
    sendProcessingOnCreate: shop?.sendProcessingOnCreate ?? true,
    thankInPersonSales: shop?.inPersonSales === "completed",
    giftRecipients: giftRecipientsPref(shop?.giftRecipients),
    messageForm: forcedFormOf(shop?.messageForm),
    consentPolicy: consentPolicyOf(shop?.consentPolicy),
    checkoutConsent: shop?.checkoutConsent ?? false,
    optOutKeywords: shop?.optOutKeywords ?? "",
    optInKeywords: shop?.optInKeywords ?? "",
    optOutConfirmation: shop?.optOutConfirmation ?? true,
    templateLanguage: shop?.templateLanguage ?? "en",
    apiKeyLast4: shop?.apiKeyCipher ? (shop.apiKeyLast4 ?? "") : null,
    apiKeyUnreadable: isKeyUnreadable(shop?.apiKeyCipher ?? null, deps.encryptionKey),
    credentialsVerifiedAt: shop?.credentialsVerifiedAt?.toISOString() ?? null,
    testMessageSentAt: shop?.testMessageSentAt?.toISOString() ?? null,
    testDelivery: shownTestDelivery(shop?.testDelivery ?? null),
    configErrorDetail: shop?.pausedReason === "config_error" ? (shop.pausedDetail ?? "") : null,
    sending: sendingState(shopStatus(shop, deps.encryptionKey)),
    callbacks: {
      url: token ? callbackUrl(deps.appUrl, token) : null,
      inboundUrl: token ? inboundUrl(deps.appUrl, token) : null,
      header: CALLBACK_SECRET_HEADER,
      firstCallbackAt: shop?.firstCallbackAt?.toISOString() ?? null,
    },
  };
}

/** Where Kaleyra posts a shop's status callbacks. */
export function callbackUrl(appUrl: string, token: string): string {
  return new URL(`${CALLBACK_PATH_PREFIX}${token}`, appUrl).toString();
}

/**
 * The Incoming URL the merchant sets on the Kaleyra number: shoppers' messages, which open the
 * 24-hour window and carry STOP and START. The callbacks' token and secret authenticate it too.
 */
export function inboundUrl(appUrl: string, token: string): string {
  return new URL(`${INBOUND_PATH_PREFIX}${token}`, appUrl).toString();
}

export type SaveCallbacksResult = { ok: true; url: string; inboundUrl: string } | { ok: false; errors: FieldErrors };

/**
 * Stores the secret the merchant chose (encrypted; it never comes back to the page) and keeps
 * the shop's callback URL, or issues one when there is none or the merchant asked for a new one.
 */
export async function saveCallbackSettings(deps: AdminDeps, shopDomain: string, raw: Record<string, unknown>): Promise<SaveCallbacksResult> {
  const parsed = callbackFormSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, errors: fieldErrorsOf(parsed.error) };
  const shop = await readShop(deps.sql, shopDomain);
  if (!shop) return { ok: false, errors: { form: "Save your Kaleyra settings first." } };
  const token = shop.callbackToken && !parsed.data.newUrl ? shop.callbackToken : newCallbackToken();
  await saveCallbackCredentials(deps.sql, shopDomain, token, encryptSecret(parsed.data.callbackSecret, deps.encryptionKey), deps.now());
  return { ok: true, url: callbackUrl(deps.appUrl, token), inboundUrl: inboundUrl(deps.appUrl, token) };
}

export type SaveSettingsResult =
  | { ok: true; credentialsChanged: boolean; resumedMessages: number }
  | { ok: false; errors: FieldErrors };

/** The shop's own keywords as stored: comma separated, or null for none. */
export function keywordsColumn(keywords: readonly string[]): string | null {
  return keywords.length > 0 ? keywords.join(", ") : null;
}

/** Why an empty or missing key field cannot be saved, given what is stored; undefined when it can. */
function apiKeyProblem(typedKey: string, storedCipher: string | null, encryptionKey: string): string | undefined {
  if (typedKey !== "") return undefined;
  if (!storedCipher) return "Enter your Kaleyra API key.";
  if (isKeyUnreadable(storedCipher, encryptionKey)) {
    return "The stored API key can no longer be read. Enter your Kaleyra API key again.";
  }
  return undefined;
}

/**
 * Validates the whole form first, then writes the shop's settings in one transaction: the
 * row, and — when the credentials changed while the shop was paused for a configuration
 * error — the resumption of its paused messages. Either all of it is stored or nothing.
 */
export async function saveSettings(
  deps: AdminDeps,
  shopDomain: string,
  raw: Record<string, unknown>,
): Promise<SaveSettingsResult> {
  // Every field is checked before anything is written, and every problem is reported at once.
  const parsed = settingsFormSchema.safeParse(raw);
  const errors = parsed.success ? {} : fieldErrorsOf(parsed.error);
  const typedKey = typeof raw.apiKey === "string" ? raw.apiKey.trim() : "";
  const current = await readShop(deps.sql, shopDomain);
  const keyProblem = apiKeyProblem(typedKey, current?.apiKeyCipher ?? null, deps.encryptionKey);
  if (keyProblem) errors.apiKey ??= keyProblem;
  if (!parsed.success || keyProblem) return { ok: false, errors };
  const form = parsed.data;
  const now = deps.now();

  const result = await deps.sql.transaction(async (tx): Promise<SaveSettingsResult> => {
    // Locked until the write, so a test send finishing meanwhile cannot mark credentials
    // verified that this save is about to replace.
    const stored = await lockShop(tx, shopDomain);
    const storedCipher = stored?.apiKeyCipher ?? null;
    // Checked again under the lock: the key may have been replaced since the check above.
    const problem = apiKeyProblem(form.apiKey, storedCipher, deps.encryptionKey);
    if (problem) return { ok: false, errors: { apiKey: problem } };
    const storedUnreadable = isKeyUnreadable(storedCipher, deps.encryptionKey);

    const keyChanged =
      form.apiKey !== "" &&
      (!storedCipher || storedUnreadable || decryptSecret(storedCipher, deps.encryptionKey) !== form.apiKey);
    const credentialsChanged =
      keyChanged ||
      stored?.kaleyraSid !== form.kaleyraSid ||
      stored?.pod !== form.pod ||
      stored?.businessNumber !== form.businessNumber;
    // A fresh nonce per write even for the same key: nothing about the key can be read from the row.
    const cipher = form.apiKey !== "" ? encryptSecret(form.apiKey, deps.encryptionKey) : (storedCipher as string);
    const last4 = form.apiKey !== "" ? lastFour(form.apiKey) : null;

    const values: Parameters<typeof saveShop>[2] = {
      kaleyraSid: form.kaleyraSid,
      apiKeyCipher: cipher,
      pod: form.pod,
      businessNumber: form.businessNumber,
      enabled: form.enabled,
      referenceIdSource: form.referenceIdSource,
      referenceIdAttribute: form.referenceIdSource === "note_attribute" ? form.referenceIdAttribute : null,
      sendProcessingOnCreate: form.sendProcessingOnCreate,
      inPersonSales: form.thankInPersonSales ? "completed" : "nothing",
      updatedAt: now,
    };
    // A form without the choice (an older page) leaves it as stored rather than resetting it.
    if (form.giftRecipients !== undefined) values.giftRecipients = form.giftRecipients;
    // The same for every field of "Reaching shoppers".
    if (form.messageForm !== undefined) values.messageForm = form.messageForm;
    if (form.consentPolicy !== undefined) values.consentPolicy = form.consentPolicy;
    if (form.checkoutConsent !== undefined) values.checkoutConsent = form.checkoutConsent;
    if (form.optOutKeywords !== undefined) values.optOutKeywords = keywordsColumn(form.optOutKeywords);
    if (form.optInKeywords !== undefined) values.optInKeywords = keywordsColumn(form.optInKeywords);
    if (form.optOutConfirmation !== undefined) values.optOutConfirmation = form.optOutConfirmation;
    if (form.templateLanguage !== undefined) values.templateLanguage = form.templateLanguage;
    if (last4 !== null) values.apiKeyLast4 = last4;
    // Verification belongs to the credentials it was made with.
    if (credentialsChanged) values.credentialsVerifiedAt = null;

    await saveShop(tx, shopDomain, values, now);

    let resumedMessages = 0;
    // Paused because the stored key could not be read, and now it can (the key was re-typed,
    // or the key that wrote it is back in ENCRYPTION_KEY): nothing else needs to change.
    const keyReadsAgain = stored?.pausedDetail === KEY_UNREADABLE_DETAIL && !isKeyUnreadable(cipher, deps.encryptionKey);
    if ((credentialsChanged || keyReadsAgain) && stored?.pausedReason === "config_error") {
      resumedMessages = await resumeShop(tx, shopDomain, now);
    }
    return { ok: true, credentialsChanged, resumedMessages };
  });

  if (result.ok && result.resumedMessages > 0) announceQueuedMessages(deps.sql, logger);
  return result;
}

export type TestSendResult =
  | { ok: true; report: TestSendReport; resumedMessages: number }
  | { ok: false; errors: FieldErrors };

/** The message a test send carries: the shop's own processing template filled with the sample order. */
async function testMessageText(deps: AdminDeps, shop: ShopRecord): Promise<{ bodyText: string; description: string }> {
  const row = await findTemplate(deps.sql, shop.domain, "processing");
  const template = row ? { body: row.body, description: row.description ?? "" } : DEFAULT_TEMPLATES.processing;
  const rendered = renderMessage(template, { ...SAMPLE_VALUES, shop_name: shopDisplayName(shop) });
  return { bodyText: rendered.text, description: rendered.description };
}

/**
 * Sends one sample order_status message with the saved credentials to the number the
 * merchant typed, and reports Kaleyra's answer. An accepted send marks the credentials
 * verified (and lifts a configuration-error pause); a rejection of the SID or key clears
 * the mark. Both only if the credentials are still the ones the test used.
 */
export async function sendTestMessage(
  deps: AdminDeps,
  shopDomain: string,
  raw: Record<string, unknown>,
  kaleyra?: KaleyraClient,
): Promise<TestSendResult> {
  const parsed = testSendFormSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, errors: fieldErrorsOf(parsed.error) };

  const shop = await readShop(deps.sql, shopDomain);
  if (!shop?.kaleyraSid || !shop.apiKeyCipher || !shop.businessNumber) {
    return { ok: false, errors: { form: "Save your Kaleyra SID, API key and WhatsApp business number first." } };
  }
  let apiKey: string;
  try {
    apiKey = decryptSecret(shop.apiKeyCipher, deps.encryptionKey);
  } catch (error) {
    if (!(error instanceof SecretDecryptionError)) throw error;
    return {
      ok: false,
      errors: { form: "The stored API key can no longer be read. Enter your Kaleyra API key again and save." },
    };
  }

  const text = await testMessageText(deps, shop);
  const client = kaleyra ?? createKaleyraClient({ baseUrlOverride: config().KALEYRA_BASE_URL });
  let outcome;
  try {
    ({ outcome } = await client.send(
      { sid: shop.kaleyraSid, apiKey, businessNumber: shop.businessNumber, pod: shop.pod },
      {
        to: parsed.data.to,
        bodyText: text.bodyText,
        description: text.description,
        referenceId: TEST_REFERENCE_ID,
        status: "processing",
        ref: TEST_REFERENCE_ID,
        ref2: shopDomain,
      },
    ));
  } finally {
    if (!kaleyra) await client.close();
  }

  const used = {
    domain: shopDomain,
    kaleyraSid: shop.kaleyraSid,
    apiKeyCipher: shop.apiKeyCipher,
    pod: shop.pod,
    businessNumber: shop.businessNumber,
  };
  const now = deps.now();
  let resumed = 0;
  if (outcome.kind === "accepted") {
    resumed = await deps.sql.transaction(async (tx) => {
      const marked = await recordTestSend(
        tx,
        used,
        { credentialsVerifiedAt: now, testMessageSentAt: now, testMessageId: outcome.messageId, testDelivery: serializeRecord({ state: "accepted" }) },
        now,
      );
      if (!marked) return 0;
      // Kaleyra just accepted these credentials: a configuration-error pause no longer holds.
      return (await readShop(tx, shopDomain))?.pausedReason === "config_error" ? resumeShop(tx, shopDomain, now) : 0;
    });
    if (resumed > 0) announceQueuedMessages(deps.sql, logger);
  } else {
    // Home's checklist shows the latest test, so a failed one undoes an earlier success;
    // a rejection of the SID or key also withdraws their verification.
    const refused = outcome.kind === "config_error" && outcome.reason === "credentials";
    const cleared = { testMessageSentAt: null, testMessageId: null, testDelivery: null };
    await recordTestSend(deps.sql, used, refused ? { ...cleared, credentialsVerifiedAt: null } : cleared, now);
  }

  const help = testSendHelp(outcomeKey(outcome));
  return {
    ok: true,
    resumedMessages: resumed,
    report: {
      ok: outcome.kind === "accepted",
      code: "code" in outcome ? outcome.code : null,
      httpStatus: "httpStatus" in outcome ? (outcome.httpStatus ?? null) : null,
      title: help.title,
      explanation: help.explanation,
      action: help.action,
      detail: "detail" in outcome ? outcome.detail : null,
      messageId: outcome.kind === "accepted" ? outcome.messageId : null,
    },
  };
}
