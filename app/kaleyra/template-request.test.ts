import { describe, expect, it } from "vitest";
import { prepareRequest } from "./forms";
import type { KaleyraCredentialsInput } from "./request";
import { foldParameter, type TemplateMessageInput } from "./template-request";

const creds: KaleyraCredentialsInput = { sid: "HXAP16ABCDEF97IN", apiKey: "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q", businessNumber: "+919876543210", pod: "IN" };
const utility: TemplateMessageInput = {
  form: "template",
  to: "+919812345678",
  name: "order_shipped_v2",
  language: "en_US",
  params: { header: "#1001", body: ["Priya", "#1001", "Blue Dart"], button: "BD123456789IN" },
  ref: "app:m1",
  ref1: "820982911946154500",
  ref2: "sunrise.myshopify.com",
};

function requestOf(content: Parameters<typeof prepareRequest>[1]) {
  const prepared = prepareRequest(creds, content);
  if (!prepared.ok) throw new Error(prepared.issues.map((i) => `${i.path}: ${i.message}`).join("; "));
  return prepared.request;
}

describe("Kaleyra's template payload (messaging_object.type = template, same endpoint and headers as the seed)", () => {
  it("Given a utility template with header, body and URL button parameters, When rendered, Then the body is Kaleyra's template shape exactly", () => {
    const request = requestOf(utility);
    expect(request.url).toBe("https://api.in.kaleyra.io/v2/HXAP16ABCDEF97IN/whatsapp/+919876543210/messages");
    expect(request.headers).toEqual({ "Content-Type": "application/json", "api-key": creds.apiKey, "cache-control": "no-cache" });
    expect(request.body).toEqual({
      messaging_object: {
        messaging_product: "whatsapp",
        recipient_type: "individual",
        to: "+919812345678",
        type: "template",
        template: {
          name: "order_shipped_v2",
          language: { policy: "deterministic", code: "en_US" },
          components: [
            { type: "header", parameters: [{ type: "text", text: "#1001" }] },
            { type: "body", parameters: [{ type: "text", text: "Priya" }, { type: "text", text: "#1001" }, { type: "text", text: "Blue Dart" }] },
            { type: "button", sub_type: "url", index: "0", parameters: [{ type: "text", text: "BD123456789IN" }] },
          ],
        },
      },
      extra_info: { ref: "app:m1", ref1: "820982911946154500", ref2: "sunrise.myshopify.com", wa_source: "shopify" },
    });
  });

  it("Given Meta's order-status template, When rendered, Then its button carries the seed's reference_id and wire status", () => {
    const request = requestOf({
      ...utility,
      form: "order_status_template",
      params: { body: ["Priya"] },
      order: { referenceId: "wa-order-77", status: "cancelled", description: "Cancelled at your request" },
    });
    const template = (request.body as { messaging_object: { template: unknown } }).messaging_object.template;
    expect(template).toEqual({
      name: "order_shipped_v2",
      language: { policy: "deterministic", code: "en_US" },
      components: [
        { type: "body", parameters: [{ type: "text", text: "Priya" }] },
        {
          type: "button",
          sub_type: "order_status",
          index: "0",
          parameters: [{ type: "order_status", order_status: { reference_id: "wa-order-77", order: { status: "cancelled", description: "Cancelled at your request" } } }],
        },
      ],
    });
  });

  it("Given a template with no parameters, When rendered, Then it has no components to fill", () => {
    const request = requestOf({ ...utility, params: { body: [] } });
    expect((request.body as { messaging_object: { template: { components: unknown[] } } }).messaging_object.template.components).toEqual([]);
  });

  it("Given a text reply, When rendered, Then it is a plain text message with the same extra_info", () => {
    const request = requestOf({ form: "text", to: "+919812345678", text: "You will get no more updates from Sunrise.", ref: "app:m2" });
    expect(request.body).toEqual({
      messaging_object: {
        messaging_product: "whatsapp",
        recipient_type: "individual",
        to: "+919812345678",
        type: "text",
        text: { preview_url: false, body: "You will get no more updates from Sunrise." },
      },
      extra_info: { ref: "app:m2", wa_source: "shopify" },
    });
  });

  it.each([
    ["a name with capitals", { name: "Order_Shipped" }, "name"],
    ["a language that is not a code", { language: "English" }, "language"],
    ["a blank body parameter", { params: { body: ["Priya", " "] } }, "params.body.1"],
    ["a header longer than 60", { params: { body: [], header: "h".repeat(61) } }, "params.header"],
    ["a number without country code", { to: "9812345678" }, "to"],
  ])("Given %s, When prepared, Then it is refused naming the field and nothing is rendered", (_what, change, field) => {
    const prepared = prepareRequest(creds, { ...utility, ...change } as TemplateMessageInput);
    expect(prepared.ok).toBe(false);
    if (!prepared.ok) expect(prepared.issues.map((i) => i.field)).toContain(field);
  });

  it("Given an order-status template without its order, When prepared, Then it is refused", () => {
    const prepared = prepareRequest(creds, { ...utility, form: "order_status_template" });
    expect(prepared.ok).toBe(false);
  });

  it("Given a parameter with new lines, tabs and runs of spaces, When folded, Then Meta's rule holds (one line, at most four spaces)", () => {
    expect(foldParameter("  Flat 4,\n\tMG Road         Pune ")).toBe("Flat 4, MG Road    Pune");
  });
});
