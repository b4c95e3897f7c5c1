import { describe, expect, it } from "vitest";
import { ORDER_ID, orderPayload } from "./__fixtures__/lifecycle";
import type { JsonObject } from "./__fixtures__/shopify-samples";
import { applyOrder, emptyKnowledge, type OrderKnowledge } from "./knowledge";
import { parseOrderPayload } from "./payloads";
import { DEFAULT_REFERENCE_ID_SOURCE, referenceIdFor, referenceIdFromOrderName } from "./reference-id";

function knowledgeOf(changes: JsonObject): OrderKnowledge {
  const parsed = parseOrderPayload(orderPayload(changes));
  if (!parsed.ok) throw new Error(parsed.reason);
  return applyOrder(undefined, parsed.value);
}

describe("referenceIdFor", () => {
  it("GIVEN the default source WHEN asked THEN it is the Shopify order id as a decimal string", () => {
    expect(DEFAULT_REFERENCE_ID_SOURCE).toEqual({ kind: "order_id" });
    expect(referenceIdFor(DEFAULT_REFERENCE_ID_SOURCE, knowledgeOf({}))).toEqual({ ok: true, referenceId: ORDER_ID });
  });

  it("GIVEN order_name '#1001' WHEN asked THEN it is '1001'", () => {
    expect(referenceIdFor({ kind: "order_name" }, knowledgeOf({ name: "#1001" }))).toEqual({ ok: true, referenceId: "1001" });
  });

  it("GIVEN an order name with spaces, slashes and accents WHEN asked THEN only allowed characters remain, cut to 35", () => {
    expect(referenceIdFor({ kind: "order_name" }, knowledgeOf({ name: "#SHOP-1001 / B.2 é_x" }))).toEqual({ ok: true, referenceId: "SHOP-1001B.2_x" });
    const long = referenceIdFor({ kind: "order_name" }, knowledgeOf({ name: `#${"9".repeat(50)}` }));
    expect(long).toEqual({ ok: true, referenceId: "9".repeat(35) });
  });

  it("GIVEN an order name with nothing usable WHEN asked THEN it is skipped with the reason", () => {
    expect(referenceIdFor({ kind: "order_name" }, knowledgeOf({ name: "#№ ✓" }))).toEqual({
      ok: false,
      reason: 'the order name "#№ ✓" has no letters or digits to use as reference id',
    });
    expect(referenceIdFor({ kind: "order_name" }, emptyKnowledge("1"))).toEqual({ ok: false, reason: "the order has no name to use as reference id" });
  });

  it("GIVEN a note attribute written by the WhatsApp checkout WHEN asked THEN its value is used as written", () => {
    const k = knowledgeOf({ note_attributes: [{ name: "gift", value: "yes" }, { name: "wa_reference_id", value: " WA-ord.7781_x " }] });
    expect(referenceIdFor({ kind: "note_attribute", attribute: "wa_reference_id" }, k)).toEqual({ ok: true, referenceId: "WA-ord.7781_x" });
    expect(referenceIdFor({ kind: "note_attribute", attribute: "WA_Reference_ID" }, k)).toEqual({ ok: true, referenceId: "WA-ord.7781_x" });
  });

  it("GIVEN the note attribute is missing, invalid or too long WHEN asked THEN it is skipped with the reason (never altered)", () => {
    const k = knowledgeOf({ note_attributes: [{ name: "bad", value: "ref #12" }, { name: "long", value: "a".repeat(36) }] });
    expect(referenceIdFor({ kind: "note_attribute", attribute: "wa_ref" }, k)).toEqual({ ok: false, reason: 'the order has no note attribute "wa_ref"' });
    expect(referenceIdFor({ kind: "note_attribute", attribute: "bad" }, k)).toEqual({
      ok: false,
      reason: 'note attribute "bad" is not a valid reference id (letters, digits, _ - . and at most 35 characters)',
    });
    expect(referenceIdFor({ kind: "note_attribute", attribute: "long" }, k)).toMatchObject({ ok: false });
    expect(referenceIdFor({ kind: "note_attribute", attribute: "  " }, k)).toEqual({
      ok: false,
      reason: "no note attribute name is configured for the reference id",
    });
  });

  it("GIVEN an order id longer than 35 digits WHEN asked THEN it is skipped rather than sent invalid", () => {
    expect(referenceIdFor({ kind: "order_id" }, emptyKnowledge("1".repeat(36)))).toMatchObject({ ok: false, reason: expect.stringMatching(/^the order id is not a valid reference id/) });
  });
});

describe("referenceIdFromOrderName", () => {
  it("keeps letters, digits, _ - . only", () => {
    expect(referenceIdFromOrderName("#1001")).toBe("1001");
    expect(referenceIdFromOrderName("A_b-C.9")).toBe("A_b-C.9");
  });
});
