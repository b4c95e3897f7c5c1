import { describe, expect, it } from "vitest";
import { chooseTemplate, languageCandidates } from "./template-choice";

const t = (kind: string, language: string) => ({ kind, language });
const shop = [t("utility", "en"), t("utility", "pt_BR"), t("utility", "hi"), t("order_status", "en_US")];

describe("choosing the template's language", () => {
  it.each([
    ["pt-BR", ["pt_BR", "pt"]],
    ["en", ["en"]],
    ["zh-hk", ["zh_HK", "zh"]],
    ["", []],
    [null, []],
  ])("Given Shopify's locale %j, Then WhatsApp's codes are %j", (locale, codes) => {
    expect(languageCandidates(locale)).toEqual(codes);
  });

  it.each([
    ["pt-BR", "en", "utility", "pt_BR", "the exact language"],
    ["pt-PT", "en", "utility", "pt_BR", "the same language in another country"],
    ["hi-IN", "en", "utility", "hi", "the language without its country"],
    ["fr", "hi", "utility", "hi", "the shop's fallback when the order's language is missing"],
    ["fr", "de", "utility", "en", "any language the shop has, when neither is there (first by code)"],
    ["en", "en", "order_status", "en_US", "the kind asked for only"],
  ])("Given locale %s and fallback %s, When a %s template is chosen, Then it is %s (%s)", (locale, fallback, kind, language) => {
    expect(chooseTemplate(shop, kind, locale, fallback)?.language).toBe(language);
  });

  it("Given no template of the kind, Then none is chosen", () => {
    expect(chooseTemplate([t("utility", "en")], "order_status", "en", "en")).toBeUndefined();
  });
});
