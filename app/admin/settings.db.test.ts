import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { KaleyraSandbox } from "../../sandbox/kaleyra-sandbox";
import { decryptSecret, encryptSecret } from "../crypto/secrets.server";
import type { KaleyraClient } from "../kaleyra/client.server";
import { KEY_UNREADABLE_DETAIL } from "../outbox/pause.server";
import { testSendHelp } from "./test-send-help";
import { loadSettings, saveCallbackSettings, saveSettings, sendTestMessage, TEST_REFERENCE_ID } from "./settings.server";
import { makeMessage } from "../../tests/factories";
import { openAdminSandbox, makeAdminShop, TEST_ACCOUNT, TEST_ENCRYPTION_KEY, type AdminSandbox, type AdminTestDatabase } from "../../tests/helpers/admin-database";

let t: AdminTestDatabase;
let sandbox: KaleyraSandbox;
let kaleyra: KaleyraClient;
let shopCounter = 0;
let shop: string;

const FORM = {
  intent: "save",
  kaleyraSid: TEST_ACCOUNT.sid,
  apiKey: TEST_ACCOUNT.apiKey,
  pod: "IN",
  businessNumber: TEST_ACCOUNT.number,
  enabled: "true",
  referenceIdSource: "order_id",
  referenceIdAttribute: "",
  sendProcessingOnCreate: "true",
};

/** The "Reaching shoppers" section as the page posts it. */
const REACHING = {
  messageForm: "template",
  consentPolicy: "opted_in",
  checkoutConsent: "true",
  optOutKeywords: " halt,NO  MORE, Halt, रोको,",
  optInKeywords: "yes please",
  optOutConfirmation: "false",
  templateLanguage: "pt-br",
};

let opened: AdminSandbox | undefined;

beforeAll(async () => {
  opened = await openAdminSandbox();
  ({ t, sandbox, kaleyra } = opened);
});

afterAll(async () => {
  await opened?.close();
});

beforeEach(() => {
  shop = `settings-${++shopCounter}.myshopify.com`;
  sandbox.reset();
});

async function rawShop(domain: string): Promise<Record<string, unknown> | undefined> {
  return (await t.deps.sql.query(`SELECT * FROM "Shop" WHERE "domain" = ?`, [domain]))[0];
}

describe("saveSettings", () => {
  it("GIVEN a new shop WHEN valid settings are saved THEN one row holds them and the key only as AES-GCM ciphertext", async () => {
    const result = await saveSettings(t.deps, shop, FORM);
    expect(result).toEqual({ ok: true, credentialsChanged: true, resumedMessages: 0 });
    const row = await rawShop(shop);
    expect(row).toMatchObject({ kaleyraSid: TEST_ACCOUNT.sid, businessNumber: TEST_ACCOUNT.number, pod: "IN", apiKeyLast4: "4242" });
    expect(JSON.stringify(row)).not.toContain(TEST_ACCOUNT.apiKey);
    expect(decryptSecret(String(row?.apiKeyCipher), TEST_ENCRYPTION_KEY)).toBe(TEST_ACCOUNT.apiKey);
    const view = await loadSettings(t.deps, shop);
    expect(view).toMatchObject({ apiKeyLast4: "4242", apiKeyUnreadable: false, enabled: true });
    expect(JSON.stringify(view)).not.toContain(TEST_ACCOUNT.apiKey);
  });

  it("GIVEN invalid fields WHEN saved THEN every error is returned and nothing is written", async () => {
    const result = await saveSettings(t.deps, shop, { ...FORM, kaleyraSid: "", apiKey: "", businessNumber: "555" });
    expect(result).toEqual({
      ok: false,
      errors: {
        kaleyraSid: "Enter your Kaleyra SID.",
        apiKey: "Enter your Kaleyra API key.",
        businessNumber: "Must be a phone number with country code, for example +91 98765 43210.",
      },
    });
    expect(await rawShop(shop)).toBeUndefined();
  });

  it("GIVEN a stored shop WHEN one field is invalid THEN no field changes, not even the valid ones", async () => {
    await saveSettings(t.deps, shop, FORM);
    const before = await rawShop(shop);
    const result = await saveSettings(t.deps, shop, { ...FORM, enabled: "false", pod: "EU", businessNumber: "+1 555" });
    expect(result.ok).toBe(false);
    expect(await rawShop(shop)).toEqual(before);
  });

  it("GIVEN a stored key WHEN saved with the key field empty THEN the key is kept and the credentials still count as verified", async () => {
    await saveSettings(t.deps, shop, FORM);
    await t.prisma.shop.update({ where: { domain: shop }, data: { credentialsVerifiedAt: new Date() } });
    const before = await rawShop(shop);
    const result = await saveSettings(t.deps, shop, { ...FORM, apiKey: "", enabled: "false" });
    expect(result).toMatchObject({ ok: true, credentialsChanged: false });
    const after = await rawShop(shop);
    expect(after?.apiKeyCipher).toBe(before?.apiKeyCipher);
    expect(after?.credentialsVerifiedAt).not.toBeNull();
    expect(Boolean(after?.enabled)).toBe(false);
  });

  it.each([
    ["the SID", { kaleyraSid: "HXOTHER" }],
    ["the key", { apiKey: "Aanother-key-0000" }],
    ["the pod", { pod: "NA" }],
    ["the number", { businessNumber: "+919876500002" }],
  ])("GIVEN verified credentials WHEN %s changes THEN the verification is cleared", async (_what, change) => {
    await saveSettings(t.deps, shop, FORM);
    await t.prisma.shop.update({ where: { domain: shop }, data: { credentialsVerifiedAt: new Date() } });
    const result = await saveSettings(t.deps, shop, { ...FORM, ...change });
    expect(result).toMatchObject({ ok: true, credentialsChanged: true });
    expect((await rawShop(shop))?.credentialsVerifiedAt).toBeNull();
  });

  it("GIVEN the same key typed again WHEN saved THEN it is not a change, yet the stored text is new (fresh nonce)", async () => {
    await saveSettings(t.deps, shop, FORM);
    const before = await rawShop(shop);
    const result = await saveSettings(t.deps, shop, FORM);
    expect(result).toMatchObject({ ok: true, credentialsChanged: false });
    expect((await rawShop(shop))?.apiKeyCipher).not.toBe(before?.apiKeyCipher);
  });

  it("GIVEN a shop paused for a configuration error WHEN its credentials change THEN the pause lifts and its messages are queued again", async () => {
    await makeAdminShop(t.deps, shop, { pausedReason: "config_error", pausedCode: "RBC001", pausedDetail: "rejected" });
    const paused = await makeMessage(t.deps.sql, shop, { state: "paused" });
    expect((await loadSettings(t.deps, shop)).configErrorDetail).toBe("rejected");
    const result = await saveSettings(t.deps, shop, { ...FORM, apiKey: "Afixed-key-0001" });
    expect(result).toEqual({ ok: true, credentialsChanged: true, resumedMessages: 1 });
    expect((await loadSettings(t.deps, shop)).configErrorDetail).toBeNull();
    expect((await rawShop(shop))?.pausedReason).toBeNull();
    expect((await t.prisma.message.findUnique({ where: { id: paused } }))?.state).toBe("queued");
  });

  it("GIVEN the in-person sales box WHEN ticked, then cleared THEN the shop sends one completed, then nothing, for counter sales", async () => {
    await makeAdminShop(t.deps, shop);
    expect((await loadSettings(t.deps, shop)).thankInPersonSales).toBe(false);
    await saveSettings(t.deps, shop, { ...FORM, thankInPersonSales: "true" });
    expect((await rawShop(shop))?.inPersonSales).toBe("completed");
    expect((await loadSettings(t.deps, shop)).thankInPersonSales).toBe(true);
    await saveSettings(t.deps, shop, { ...FORM });
    expect((await rawShop(shop))?.inPersonSales).toBe("nothing");
  });

  it("GIVEN the gift-order choice WHEN set to also, then instead, then back to the buyer THEN each is stored and shown", async () => {
    await makeAdminShop(t.deps, shop);
    expect((await loadSettings(t.deps, shop)).giftRecipients).toBe("buyer");
    for (const choice of ["also", "instead", "buyer"] as const) {
      expect(await saveSettings(t.deps, shop, { ...FORM, giftRecipients: choice })).toMatchObject({ ok: true });
      expect((await rawShop(shop))?.giftRecipients).toBe(choice);
      expect((await loadSettings(t.deps, shop)).giftRecipients).toBe(choice);
    }
  });

  it("GIVEN a shop that tells gift recipients too WHEN a form without the choice is saved THEN the choice is kept, not reset", async () => {
    await makeAdminShop(t.deps, shop);
    await saveSettings(t.deps, shop, { ...FORM, giftRecipients: "also" });
    expect(await saveSettings(t.deps, shop, { ...FORM, sendProcessingOnCreate: "false" })).toMatchObject({ ok: true });
    expect((await rawShop(shop))?.giftRecipients).toBe("also");
  });

  it("GIVEN a shop saved without the Reaching shoppers fields WHEN loaded THEN the defaults: decided per message, everyone, built-in keywords only, a confirmation, en", async () => {
    expect(await saveSettings(t.deps, shop, FORM)).toMatchObject({ ok: true });
    expect(await loadSettings(t.deps, shop)).toMatchObject({
      messageForm: "auto",
      consentPolicy: "everyone",
      checkoutConsent: false,
      optOutKeywords: "",
      optInKeywords: "",
      optOutConfirmation: true,
      templateLanguage: "en",
    });
    expect((await loadSettings(t.deps, "never-opened.myshopify.com")).callbacks).toMatchObject({ url: null, inboundUrl: null });
  });

  it("GIVEN the Reaching shoppers fields WHEN saved THEN each column holds them, the keywords tidied, and the page shows them again", async () => {
    await makeAdminShop(t.deps, shop);
    const result = await saveSettings(t.deps, shop, { ...FORM, ...REACHING });
    expect(result).toMatchObject({ ok: true });
    const row = await rawShop(shop);
    expect(row).toMatchObject({
      messageForm: "template",
      consentPolicy: "opted_in",
      optOutKeywords: "halt, NO MORE, रोको",
      optInKeywords: "yes please",
      templateLanguage: "pt_BR",
    });
    expect(Boolean(row?.checkoutConsent)).toBe(true);
    expect(Boolean(row?.optOutConfirmation)).toBe(false);
    expect(await loadSettings(t.deps, shop)).toMatchObject({
      messageForm: "template",
      consentPolicy: "opted_in",
      checkoutConsent: true,
      optOutKeywords: "halt, NO MORE, रोको",
      optInKeywords: "yes please",
      optOutConfirmation: false,
      templateLanguage: "pt_BR",
    });
  });

  it("GIVEN stored Reaching shoppers choices WHEN a form without those fields is saved THEN every one is kept, not reset", async () => {
    await makeAdminShop(t.deps, shop);
    await saveSettings(t.deps, shop, { ...FORM, ...REACHING });
    const before = await rawShop(shop);
    expect(await saveSettings(t.deps, shop, { ...FORM, sendProcessingOnCreate: "false" })).toMatchObject({ ok: true });
    const after = await rawShop(shop);
    for (const column of ["messageForm", "consentPolicy", "checkoutConsent", "optOutKeywords", "optInKeywords", "optOutConfirmation", "templateLanguage"]) {
      expect(after?.[column], column).toEqual(before?.[column]);
    }
    expect(Boolean(after?.sendProcessingOnCreate)).toBe(false);
  });

  it("GIVEN stored keywords and ticked boxes WHEN the page saves them emptied and cleared THEN the keywords are none and the boxes off", async () => {
    await makeAdminShop(t.deps, shop);
    await saveSettings(t.deps, shop, { ...FORM, ...REACHING, optOutConfirmation: "true" });
    const result = await saveSettings(t.deps, shop, {
      ...FORM,
      ...REACHING,
      checkoutConsent: "false",
      optOutConfirmation: "false",
      optOutKeywords: " , ",
      optInKeywords: "",
    });
    expect(result).toMatchObject({ ok: true });
    const row = await rawShop(shop);
    expect(row).toMatchObject({ optOutKeywords: null, optInKeywords: null });
    expect(Boolean(row?.checkoutConsent)).toBe(false);
    expect(Boolean(row?.optOutConfirmation)).toBe(false);
    expect(await loadSettings(t.deps, shop)).toMatchObject({ optOutKeywords: "", optInKeywords: "" });
  });

  it("GIVEN a bad language code and a bad keyword WHEN saved THEN both are reported and nothing changes", async () => {
    await makeAdminShop(t.deps, shop);
    await saveSettings(t.deps, shop, { ...FORM, ...REACHING });
    const before = await rawShop(shop);
    const result = await saveSettings(t.deps, shop, { ...FORM, ...REACHING, consentPolicy: "everyone", templateLanguage: "english", optInKeywords: "go!" });
    expect(result).toEqual({
      ok: false,
      errors: {
        templateLanguage: "Use a WhatsApp language code such as en, es, en_US or pt_BR.",
        optInKeywords: "Use only letters, digits and spaces in a keyword (not “go!”), and commas between keywords.",
      },
    });
    expect(await rawShop(shop)).toEqual(before);
  });

  it("GIVEN a shop paused for a configuration error WHEN only the switches change THEN it stays paused", async () => {
    await makeAdminShop(t.deps, shop, { pausedReason: "config_error", pausedCode: "RBC001" });
    const paused = await makeMessage(t.deps.sql, shop, { state: "paused" });
    const result = await saveSettings(t.deps, shop, { ...FORM, apiKey: "", sendProcessingOnCreate: "false" });
    expect(result).toEqual({ ok: true, credentialsChanged: false, resumedMessages: 0 });
    expect((await rawShop(shop))?.pausedReason).toBe("config_error");
    expect((await t.prisma.message.findUnique({ where: { id: paused } }))?.state).toBe("paused");
  });

  it("GIVEN a shop paused for low balance WHEN the credentials change THEN the balance pause stays", async () => {
    await makeAdminShop(t.deps, shop, { pausedReason: "low_balance", pausedCode: "E110" });
    await saveSettings(t.deps, shop, { ...FORM, kaleyraSid: "HXNEWSID" });
    expect((await rawShop(shop))?.pausedReason).toBe("low_balance");
  });

  it("GIVEN a key stored under another ENCRYPTION_KEY WHEN loaded THEN the page learns it is unreadable; saving needs the key again", async () => {
    await makeAdminShop(t.deps, shop, { encryptionKey: Buffer.alloc(32, 1).toString("base64") });
    expect(await loadSettings(t.deps, shop)).toMatchObject({ apiKeyUnreadable: true, apiKeyLast4: "4242" });
    expect(await saveSettings(t.deps, shop, { ...FORM, apiKey: "" })).toEqual({
      ok: false,
      errors: { apiKey: "The stored API key can no longer be read. Enter your Kaleyra API key again." },
    });
    expect(await saveSettings(t.deps, shop, FORM)).toMatchObject({ ok: true, credentialsChanged: true });
    expect((await loadSettings(t.deps, shop)).apiKeyUnreadable).toBe(false);
  });

  it("GIVEN form fields naming another shop WHEN saved THEN only the session's shop is written", async () => {
    const other = `${shop}.other`;
    await saveSettings(t.deps, shop, { ...FORM, domain: other, shop: other, shopDomain: other });
    expect(await rawShop(other)).toBeUndefined();
    expect(await rawShop(shop)).toBeDefined();
  });
});

describe("sendTestMessage", () => {
  it("GIVEN saved credentials WHEN a test is sent THEN Kaleyra gets the sample, WA202 is explained and the shop is marked verified", async () => {
    await makeAdminShop(t.deps, shop, { name: "Sunrise Ceramics" });
    const result = await sendTestMessage(t.deps, shop, { to: "+91 98123 45678" }, kaleyra);
    expect(result).toMatchObject({
      ok: true,
      report: { ok: true, code: "WA202", httpStatus: 202, title: testSendHelp("accepted").title, action: testSendHelp("accepted").action },
    });
    const [received] = sandbox.received;
    const body = JSON.stringify(received?.body);
    expect(body).toContain('"to":"+919812345678"');
    expect(body).toContain(`"reference_id":"${TEST_REFERENCE_ID}"`);
    expect(body).toContain('"status":"processing"');
    expect(body).toContain("from Sunrise Ceramics");
    const row = await rawShop(shop);
    expect(row?.credentialsVerifiedAt).toEqual(t.clock.now);
    expect(row?.testMessageSentAt).toEqual(t.clock.now);
  });

  it("GIVEN a wrong key WHEN a test is sent THEN RBC001 is explained and any earlier verification is cleared", async () => {
    await makeAdminShop(t.deps, shop, { apiKey: "Awrong-key-0000" });
    await t.prisma.shop.update({ where: { domain: shop }, data: { credentialsVerifiedAt: new Date() } });
    const result = await sendTestMessage(t.deps, shop, { to: "+919812345678" }, kaleyra);
    const help = testSendHelp("config_error:credentials");
    expect(result).toMatchObject({
      ok: true,
      report: { ok: false, code: "RBC001", httpStatus: 401, title: help.title, explanation: help.explanation, action: help.action },
    });
    expect(JSON.stringify(result)).not.toContain("Awrong-key-0000");
    const row = await rawShop(shop);
    expect(row?.credentialsVerifiedAt).toBeNull();
    expect(row?.testMessageSentAt).toBeNull();
  });

  it("GIVEN a shop paused for rejected credentials WHEN a test is accepted THEN the pause lifts and waiting messages are queued", async () => {
    await makeAdminShop(t.deps, shop, { pausedReason: "config_error", pausedCode: "WA-401" });
    const waiting = await makeMessage(t.deps.sql, shop, { state: "paused" });
    expect(await sendTestMessage(t.deps, shop, { to: "+919812345678" }, kaleyra)).toMatchObject({ ok: true, resumedMessages: 1 });
    expect((await rawShop(shop))?.pausedReason).toBeNull();
    expect((await t.prisma.message.findUnique({ where: { id: waiting } }))?.state).toBe("queued");
  });

  it("GIVEN no saved credentials, a bad number or an unreadable key WHEN a test is sent THEN nothing is sent and the page is told why", async () => {
    expect(await sendTestMessage(t.deps, shop, { to: "+919812345678" }, kaleyra)).toEqual({
      ok: false,
      errors: { form: "Save your Kaleyra SID, API key and WhatsApp business number first." },
    });
    await makeAdminShop(t.deps, shop, { encryptionKey: Buffer.alloc(32, 1).toString("base64") });
    expect(await sendTestMessage(t.deps, shop, { to: "12" }, kaleyra)).toMatchObject({ ok: false, errors: { to: expect.stringContaining("with country code") } });
    expect(await sendTestMessage(t.deps, shop, { to: "+919812345678" }, kaleyra)).toMatchObject({
      ok: false,
      errors: { form: expect.stringContaining("can no longer be read") },
    });
    expect(sandbox.received).toHaveLength(0);
  });

  it("GIVEN an earlier successful test WHEN the latest test gets WA500 THEN it says the test is not retried and Home's step opens again", async () => {
    await makeAdminShop(t.deps, shop);
    expect(await sendTestMessage(t.deps, shop, { to: "+919812345678" }, kaleyra)).toMatchObject({ ok: true, report: { ok: true } });
    sandbox.setFaults({ forceCode: "WA500" });
    const result = await sendTestMessage(t.deps, shop, { to: "+919812345678" }, kaleyra);
    sandbox.setFaults({});
    expect(result).toMatchObject({ ok: true, report: { ok: false, code: "WA500", action: testSendHelp("retry:server_error").action } });
    expect(JSON.stringify(result)).not.toContain("retried automatically");
    const row = await rawShop(shop);
    expect(row?.testMessageSentAt).toBeNull();
    // A passing problem at Kaleyra says nothing about the credentials.
    expect(row?.credentialsVerifiedAt).not.toBeNull();
  });

  it("GIVEN the credentials changed while the test was out WHEN Kaleyra accepts THEN the new credentials are not marked verified", async () => {
    await makeAdminShop(t.deps, shop);
    const racing: KaleyraClient = {
      async send(creds, message) {
        await t.prisma.shop.update({
          where: { domain: shop },
          data: { apiKeyCipher: encryptSecret("Anew-key-1111", TEST_ENCRYPTION_KEY) },
        });
        return kaleyra.send(creds, message);
      },
      close: async () => {},
    };
    const result = await sendTestMessage(t.deps, shop, { to: "+919812345678" }, racing);
    expect(result).toMatchObject({ ok: true, report: { ok: true } });
    expect((await rawShop(shop))?.credentialsVerifiedAt).toBeNull();
  });

  it("GIVEN a shop paused because its stored key could not be read WHEN the old key is back in the ring and the settings are saved unchanged THEN it resumes", async () => {
    const oldKey = Buffer.alloc(32, 1).toString("base64");
    await makeAdminShop(t.deps, shop, { encryptionKey: oldKey, pausedReason: "config_error", pausedDetail: KEY_UNREADABLE_DETAIL });
    const paused = await makeMessage(t.deps.sql, shop, { state: "paused" });
    const deps = { ...t.deps, encryptionKey: `${TEST_ENCRYPTION_KEY},${oldKey}` };
    expect(await saveSettings(deps, shop, { ...FORM, apiKey: "" })).toEqual({ ok: true, credentialsChanged: false, resumedMessages: 1 });
    expect((await rawShop(shop))?.pausedReason).toBeNull();
    expect((await t.prisma.message.findUnique({ where: { id: paused } }))?.state).toBe("queued");
  });
});

describe("saveCallbackSettings", () => {
  it("GIVEN a configured shop WHEN the merchant saves a secret THEN a callback URL is issued, the secret is stored only encrypted and never shown again", async () => {
    await makeAdminShop(t.deps, shop);
    const secret = "a-secret-the-merchant-chose-1234";
    const saved = await saveCallbackSettings(t.deps, shop, { intent: "callbacks", callbackSecret: secret });
    expect(saved).toEqual({
      ok: true,
      url: expect.stringMatching(/^https:\/\/order-status\.example\/kaleyra\/callbacks\/[A-Za-z0-9_-]{43}$/),
      inboundUrl: expect.stringMatching(/^https:\/\/order-status\.example\/kaleyra\/inbound\/[A-Za-z0-9_-]{43}$/),
    });
    // The number's Incoming URL carries the same token as the callbacks (and the same secret authenticates it).
    expect(saved.ok && saved.inboundUrl.split("/").pop()).toBe(saved.ok && saved.url.split("/").pop());
    const row = await rawShop(shop);
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(decryptSecret(String(row?.callbackSecretCipher), TEST_ENCRYPTION_KEY)).toBe(secret);
    const view = await loadSettings(t.deps, shop);
    expect(view.callbacks).toEqual({
      url: saved.ok ? saved.url : "",
      inboundUrl: saved.ok ? saved.inboundUrl : "",
      header: "x-callback-secret",
      firstCallbackAt: null,
    });
    expect(JSON.stringify(view)).not.toContain(secret);
  });

  it("GIVEN a stored URL WHEN a new secret is saved THEN the URL stays, unless a new one is asked for", async () => {
    await makeAdminShop(t.deps, shop);
    const first = await saveCallbackSettings(t.deps, shop, { callbackSecret: "first-secret-0123456789" });
    const same = await saveCallbackSettings(t.deps, shop, { callbackSecret: "second-secret-0123456789" });
    const fresh = await saveCallbackSettings(t.deps, shop, { callbackSecret: "third-secret-0123456789", newUrl: "on" });
    expect(first.ok && same.ok && fresh.ok).toBe(true);
    expect(same).toEqual(first);
    expect(fresh.ok && fresh.url).not.toBe(first.ok && first.url);
    expect(fresh.ok && fresh.inboundUrl).not.toBe(first.ok && first.inboundUrl);
  });

  it.each([
    ["too short", "short", "Use at least 16 characters."],
    ["with a space", "has a space in it 123", "Use letters, digits and punctuation only (no spaces), as a header value allows."],
    ["2,000 characters", "x".repeat(2000), "Use at most 200 characters."],
  ])("GIVEN a secret %s WHEN saved THEN the field's error and nothing stored", async (_name, callbackSecret, error) => {
    await makeAdminShop(t.deps, shop);
    expect(await saveCallbackSettings(t.deps, shop, { callbackSecret })).toEqual({ ok: false, errors: { callbackSecret: error } });
    expect((await rawShop(shop))?.callbackSecretCipher).toBeNull();
  });
});
