import { describe, expect, it } from "vitest";
import { fieldErrorsOf } from "./form-data";
import { settingsFormSchema, testSendFormSchema } from "./settings";
import { POD_OPTIONS } from "./settings-options";

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
