import { describe, expect, it } from "vitest";
import { fieldErrorsOf } from "./form-data";
import { normalizeLanguageCode, parseKeywords, settingsFormSchema, testSendFormSchema } from "./settings";
import { CONSENT_POLICY_CHOICES, MESSAGE_FORM_CHOICES, POD_OPTIONS } from "./settings-options";
import { CONSENT_POLICIES, FORCED_FORMS } from "../messages/form-decision";

const VALID = {
  intent: "save",
  kaleyraSid: " HXAP16TEST0097IN ",
  apiKey: "",
  pod: "SG",
  businessNumber: "+91 98765-00001",
  enabled: "true",
  referenceIdSource: "order_name",
  referenceIdAttribute: "",
  sendProcessingOnCreate: "false",
};

function errorsOf(input: Record<string, unknown>) {
  const result = settingsFormSchema.safeParse(input);
  return result.success ? {} : fieldErrorsOf(result.error);
}

describe("settings form schema", () => {
  it("GIVEN valid values as the page posts them WHEN parsed THEN trimmed, the number in E.164 and the switches as booleans", () => {
    expect(settingsFormSchema.parse(VALID)).toEqual({
      kaleyraSid: "HXAP16TEST0097IN",
      apiKey: "",
      pod: "SG",
      businessNumber: "+919876500001",
      enabled: true,
      referenceIdSource: "order_name",
      referenceIdAttribute: "",
      sendProcessingOnCreate: false,
      thankInPersonSales: false,
    });
    expect(settingsFormSchema.parse({ ...VALID, thankInPersonSales: "true" }).thankInPersonSales).toBe(true);
  });

  it.each(["buyer", "also", "instead"] as const)("GIVEN gift orders set to %s WHEN parsed THEN the choice is kept", (choice) => {
    expect(settingsFormSchema.parse({ ...VALID, giftRecipients: choice }).giftRecipients).toBe(choice);
  });

  it("GIVEN an unknown gift-order choice WHEN parsed THEN the field says to choose, and nothing is guessed", () => {
    expect(errorsOf({ ...VALID, giftRecipients: "everyone" })).toEqual({ giftRecipients: "Choose who is told about gift orders." });
  });

  it("GIVEN every field wrong WHEN parsed THEN every field gets its own message at once", () => {
    expect(
      errorsOf({
        kaleyraSid: "has space",
        apiKey: "has space",
        pod: "US",
        businessNumber: "12345",
        referenceIdSource: "note_attribute",
        referenceIdAttribute: " ",
      }),
    ).toEqual({
      kaleyraSid: "Must be 1-64 letters, digits, _ or -.",
      apiKey: "Must be non-empty, without spaces or control characters.",
      pod: "Must be one of IN, SG, EU, NA.",
      businessNumber: "Must be a phone number with country code, for example +91 98765 43210.",
      referenceIdAttribute: "Enter the name of the note attribute that holds the reference.",
    });
  });

  it("GIVEN empty required fields WHEN parsed THEN the messages say what to enter", () => {
    expect(errorsOf({ ...VALID, kaleyraSid: "  ", businessNumber: "" })).toEqual({
      kaleyraSid: "Enter your Kaleyra SID.",
      businessNumber: "Enter your WhatsApp business number.",
    });
  });

  it("GIVEN an empty API key WHEN parsed THEN it is allowed (keep the stored key) and a typed key is kept as typed", () => {
    expect(settingsFormSchema.parse(VALID).apiKey).toBe("");
    expect(settingsFormSchema.parse({ ...VALID, apiKey: " Akey-123 " }).apiKey).toBe("Akey-123");
  });

  it("GIVEN a note attribute source WHEN an attribute is named THEN it is accepted", () => {
    const parsed = settingsFormSchema.parse({ ...VALID, referenceIdSource: "note_attribute", referenceIdAttribute: " wa_ref " });
    expect(parsed.referenceIdAttribute).toBe("wa_ref");
  });

  it("GIVEN the pods WHEN offered THEN each shows the API domain it talks to", () => {
    expect(POD_OPTIONS.map((option) => option.label)).toEqual([
      "IN — api.in.kaleyra.io",
      "SG — api.ap.kaleyra.io",
      "EU — api.eu.kaleyra.io",
      "NA — api.na.kaleyra.io",
    ]);
  });
});

/** The "Reaching shoppers" section as the page posts it. */
const REACHING = {
  messageForm: "interactive",
  consentPolicy: "opted_in",
  checkoutConsent: "true",
  optOutKeywords: "HALT, no more",
  optInKeywords: "yes please",
  optOutConfirmation: "false",
  templateLanguage: "pt_BR",
};

describe("settings form schema: reaching shoppers", () => {
  it("GIVEN the section as the page posts it WHEN parsed THEN the choices, the switches as booleans and the keywords as a list", () => {
    expect(settingsFormSchema.parse({ ...VALID, ...REACHING })).toMatchObject({
      messageForm: "interactive",
      consentPolicy: "opted_in",
      checkoutConsent: true,
      optOutKeywords: ["HALT", "no more"],
      optInKeywords: ["yes please"],
      optOutConfirmation: false,
      templateLanguage: "pt_BR",
    });
  });

  it("GIVEN a form without the section (an older page) WHEN parsed THEN every field is undefined: the stored values are kept", () => {
    const parsed = settingsFormSchema.parse(VALID);
    for (const field of Object.keys(REACHING)) expect(parsed[field as keyof typeof parsed], field).toBeUndefined();
  });

  it("GIVEN the boxes posted as the page does, or as a plain HTML form does WHEN parsed THEN true, false or kept", () => {
    expect(settingsFormSchema.parse({ ...VALID, checkoutConsent: "false", optOutConfirmation: "on" })).toMatchObject({
      checkoutConsent: false,
      optOutConfirmation: true,
    });
  });

  it.each(FORCED_FORMS)("GIVEN message form %s WHEN parsed THEN it is kept, and the page offers it with a line on when WhatsApp delivers it", (form) => {
    expect(settingsFormSchema.parse({ ...VALID, messageForm: form }).messageForm).toBe(form);
    expect(MESSAGE_FORM_CHOICES.find((choice) => choice.value === form)?.helpText).toMatch(/\w/);
  });

  it.each(CONSENT_POLICIES)("GIVEN who gets updates %s WHEN parsed THEN it is kept and offered", (policy) => {
    expect(settingsFormSchema.parse({ ...VALID, consentPolicy: policy }).consentPolicy).toBe(policy);
    expect(CONSENT_POLICY_CHOICES.map((choice) => choice.value)).toContain(policy);
  });

  it.each([
    ["en", "en"],
    ["EN", "en"],
    [" pt-br ", "pt_BR"],
    ["zh_HK", "zh_HK"],
    ["fil", "fil"],
  ])("GIVEN language code %j WHEN parsed THEN it is WhatsApp's %s", (typed, code) => {
    expect(settingsFormSchema.parse({ ...VALID, templateLanguage: typed }).templateLanguage).toBe(code);
  });

  it.each([
    ["english", "Use a WhatsApp language code such as en, es, en_US or pt_BR."],
    ["en_US_POSIX", "Use a WhatsApp language code such as en, es, en_US or pt_BR."],
    ["e", "Use a WhatsApp language code such as en, es, en_US or pt_BR."],
    ["  ", "Enter a WhatsApp language code, for example en."],
  ])("GIVEN language code %j WHEN parsed THEN the field says what to enter", (typed, error) => {
    expect(errorsOf({ ...VALID, templateLanguage: typed })).toEqual({ templateLanguage: error });
  });

  it.each([
    ["messageForm", "always", "Choose the form of your messages."],
    ["consentPolicy", "nobody", "Choose who gets updates."],
  ])("GIVEN an unknown %s WHEN parsed THEN the field says to choose, and nothing is guessed", (field, value, error) => {
    expect(errorsOf({ ...VALID, [field]: value })).toEqual({ [field]: error });
  });

  it("GIVEN every field of the section wrong WHEN parsed THEN each gets its own message at once, with the rest of the form's", () => {
    expect(
      errorsOf({
        ...VALID,
        kaleyraSid: "",
        messageForm: "sometimes",
        consentPolicy: "",
        optOutKeywords: "STOP!",
        optInKeywords: "x".repeat(31),
        templateLanguage: "Portuguese",
      }),
    ).toEqual({
      kaleyraSid: "Enter your Kaleyra SID.",
      messageForm: "Choose the form of your messages.",
      consentPolicy: "Choose who gets updates.",
      optOutKeywords: "Use only letters, digits and spaces in a keyword (not “STOP!”), and commas between keywords.",
      optInKeywords: `Use at most 30 characters per keyword (“${"x".repeat(31)}” has 31).`,
      templateLanguage: "Use a WhatsApp language code such as en, es, en_US or pt_BR.",
    });
  });

  it("GIVEN a word in both keyword lists, in any case WHEN parsed THEN the START list says to use it in one list only", () => {
    expect(errorsOf({ ...VALID, optOutKeywords: "halt, enough", optInKeywords: "go on, HALT" })).toEqual({
      optInKeywords: "“HALT” is also a STOP keyword: use it in one list only.",
    });
  });

  it("GIVEN a word in both lists and another field wrong WHEN parsed THEN both are reported at once", () => {
    expect(errorsOf({ ...VALID, businessNumber: "", optOutKeywords: "halt", optInKeywords: "halt" })).toEqual({
      businessNumber: "Enter your WhatsApp business number.",
      optInKeywords: "“halt” is also a STOP keyword: use it in one list only.",
    });
  });
});

describe("parseKeywords", () => {
  it("GIVEN keywords typed loosely WHEN read THEN trimmed, single-spaced, repeats and empty entries dropped, the order kept", () => {
    expect(parseKeywords(" halt,NO   MORE,, Halt , basta,")).toEqual({ ok: true, keywords: ["halt", "NO MORE", "basta"] });
    expect(parseKeywords("")).toEqual({ ok: true, keywords: [] });
    expect(parseKeywords(" , ")).toEqual({ ok: true, keywords: [] });
  });

  it("GIVEN keywords in other scripts, with accents and vowel signs, and digits WHEN read THEN they are letters", () => {
    expect(parseKeywords("ARRÊT, रोको, توقف, 停止, STOP2")).toEqual({ ok: true, keywords: ["ARRÊT", "रोको", "توقف", "停止", "STOP2"] });
  });

  it("GIVEN 20 keywords of 30 characters WHEN read THEN accepted; a 21st or a 31st character is refused", () => {
    const twenty = Array.from({ length: 20 }, (_, i) => `${String.fromCharCode(65 + i)}${"x".repeat(29)}`);
    expect(parseKeywords(twenty.join(","))).toEqual({ ok: true, keywords: twenty });
    expect(parseKeywords([...twenty, "one more"].join(","))).toEqual({ ok: false, problem: "Use at most 20 keywords (there are 21)." });
    expect(parseKeywords("y".repeat(31))).toMatchObject({ ok: false, problem: expect.stringContaining("at most 30 characters") });
  });

  it.each(["STOP!", "no-more", "halt;basta", "stop\u0000"])("GIVEN keyword %j WHEN read THEN refused, naming it", (typed) => {
    expect(parseKeywords(typed)).toMatchObject({ ok: false, problem: expect.stringContaining("Use only letters, digits and spaces") });
  });
});

describe("normalizeLanguageCode", () => {
  it("GIVEN codes as people write them WHEN tidied THEN WhatsApp's spelling; anything else is only lower-cased (then refused)", () => {
    expect(["en", "EN", "pt-br", "PT_br", "en-US-x", "english"].map(normalizeLanguageCode)).toEqual(["en", "en", "pt_BR", "pt_BR", "en-us-x", "english"]);
  });
});

describe("test send form schema", () => {
  it("GIVEN a number written with spaces WHEN parsed THEN it is E.164", () => {
    expect(testSendFormSchema.parse({ to: "+44 7400 123456" })).toEqual({ to: "+447400123456" });
  });

  it("GIVEN no number or a national one WHEN parsed THEN it is refused with a message for the field", () => {
    const missing = testSendFormSchema.safeParse({});
    const national = testSendFormSchema.safeParse({ to: "07400 123456" });
    expect(missing.success || fieldErrorsOf(missing.error)).toEqual({ to: "Enter the WhatsApp number to send the test message to." });
    expect(national.success || fieldErrorsOf(national.error).to).toContain("with country code");
  });
});
