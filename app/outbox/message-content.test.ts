import { describe, expect, it } from "vitest";
import { claimedMessage } from "./__fixtures__/claimed";
import { messageContentOf } from "./message-content";

const SHOP = "sunrise.myshopify.com";
const refs = { ref: "msg:msg-1", ref1: "820982911946154508", ref2: SHOP };
const params = JSON.stringify({ body: ["Jane", "#1001"], button: "BD123" });

describe("what a claimed message is sent as", () => {
  it("Given an interactive message, Then it is the seed's order_status content, exactly as before forms", () => {
    expect(messageContentOf(claimedMessage(SHOP))).toEqual({
      to: "+15025550147",
      bodyText: "Hi Jane, your order #1001 has shipped.",
      referenceId: "820982911946154508",
      status: "shipped",
      description: null,
      ...refs,
    });
  });

  it("Given a utility template, Then its name, language and stored parameters go, without the order", () => {
    const message = claimedMessage(SHOP, { form: "template", templateName: "order_shipped", templateLanguage: "en", templateParams: params });
    expect(messageContentOf(message)).toEqual({
      form: "template",
      to: "+15025550147",
      name: "order_shipped",
      language: "en",
      params: { body: ["Jane", "#1001"], button: "BD123" },
      ...refs,
    });
  });

  it("Given Meta's order-status template, Then the order's reference id and status go with it", () => {
    const message = claimedMessage(SHOP, { form: "order_status_template", templateName: "wa_order_update", templateLanguage: "en", templateParams: JSON.stringify({ body: [] }) });
    expect(messageContentOf(message)).toMatchObject({ form: "order_status_template", order: { referenceId: "820982911946154508", status: "shipped" } });
  });

  it("Given a text reply, Then its text is the body", () => {
    expect(messageContentOf(claimedMessage(SHOP, { form: "text", bodyText: "You will get no more updates." }))).toEqual({
      form: "text",
      to: "+15025550147",
      text: "You will get no more updates.",
      ...refs,
    });
  });

  it.each([
    ["a template without parameters", { form: "template", templateName: "t", templateLanguage: "en", templateParams: null }],
    ["a template whose parameters are not JSON", { form: "template", templateName: "t", templateLanguage: "en", templateParams: "{" }],
    ["a template without a name", { form: "template", templateName: null, templateLanguage: "en", templateParams: params }],
    ["an order-status template without a reference id", { form: "order_status_template", templateName: "t", templateLanguage: "en", templateParams: params, referenceId: null }],
    ["an interactive message without text", { bodyText: null }],
    ["any message without a recipient", { recipient: null }],
  ])("Given %s, Then it is incomplete (nothing is sent)", (_what, overrides) => {
    expect(messageContentOf(claimedMessage(SHOP, overrides))).toBeUndefined();
  });
});
