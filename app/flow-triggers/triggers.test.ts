import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { failedPayload, FIELD_KEYS, FLOW_TRIGGERS, readPayload, type FlowPayload } from "./triggers";

const message = { id: "m1", shopDomain: "s.myshopify.com", orderId: "5500000000001", orderStatus: "shipped" };
const parsed = (payload: string | undefined) => (payload === undefined ? undefined : (JSON.parse(payload) as Record<string, unknown>));

interface ExtensionToml {
  extensions: Array<{ name: string; type: string; handle: string }>;
  settings: { fields: Array<{ type: string; key?: string }> };
}

function extension(handle: string): ExtensionToml {
  return parse(readFileSync(path.join("extensions", handle, "shopify.extension.toml"), "utf8")) as unknown as ExtensionToml;
}

/** The keys Flow reads from a payload of this extension: order_id for the order reference, else each field's key. */
function declaredKeys(toml: ExtensionToml): string[] {
  return toml.settings.fields.map((field) => (field.type === "order_reference" ? "order_id" : (field.key ?? ""))).sort();
}

describe("the triggers' payloads", () => {
  it("GIVEN a read message THEN the payload names the order by its numeric id and the status, nothing else", () => {
    expect(parsed(readPayload(message))).toEqual({ order_id: 5500000000001, "Order status": "shipped" });
  });

  it("GIVEN a failed message THEN the payload adds the code and the explanation", () => {
    expect(parsed(failedPayload(message, { code: "131026", explanation: "Not on \"WhatsApp\"." }))).toEqual({
      order_id: 5500000000001,
      "Order status": "shipped",
      "Error code": "131026",
      "Error explanation": 'Not on "WhatsApp".',
    });
    expect(parsed(failedPayload(message, { code: null, explanation: "x" }))?.["Error code"]).toBe("");
  });

  it("GIVEN a 64-bit order id beyond JavaScript's exact integers THEN the JSON keeps every digit", () => {
    expect(readPayload({ ...message, orderId: "820982911946154500" })).toBe('{"order_id":820982911946154500,"Order status":"shipped"}');
  });

  it.each(["", "not-an-order", "0", "0123", "1".repeat(21)])("GIVEN a message about no Shopify order (%j) THEN no payload", (orderId) => {
    expect(readPayload({ ...message, orderId })).toBeUndefined();
    expect(failedPayload({ ...message, orderId }, { code: "1", explanation: "x" })).toBeUndefined();
  });
});

describe("the extensions declare what the app sends", () => {
  const samples: Record<string, FlowPayload | undefined> = {
    [FLOW_TRIGGERS.failed]: failedPayload(message, { code: "1", explanation: "x" }),
    [FLOW_TRIGGERS.read]: readPayload(message),
  };

  it.each(Object.values(FLOW_TRIGGERS))("GIVEN %s THEN its TOML is a flow_trigger with that handle and the payload's keys", (handle) => {
    const toml = extension(handle);
    expect(toml.extensions).toHaveLength(1);
    expect(toml.extensions[0]).toMatchObject({ type: "flow_trigger", handle });
    expect(handle.length).toBeLessThanOrEqual(30);
    expect(declaredKeys(toml)).toEqual(Object.keys(parsed(samples[handle]) ?? {}).sort());
  });

  it("GIVEN the custom field keys THEN each is letters and spaces only, as Flow requires", () => {
    for (const key of Object.values(FIELD_KEYS)) expect(key).toMatch(/^[a-zA-Z ]+$/);
  });
});
