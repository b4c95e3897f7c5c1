import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fulfillmentEventPayload, fulfillmentPayload, LINE_A, LINE_B, ORDER_ID, orderPayload, refund, utc } from "./__fixtures__/lifecycle";
import { isObject, loadSample, type JsonObject } from "./__fixtures__/shopify-samples";
import {
  parseFulfillmentEventPayload,
  parseFulfillmentPayload,
  parseOrderPayload,
  readCount,
  readId,
  readTimestamp,
  type ParseResult,
} from "./payloads";

function ok<T>(result: ParseResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got: ${result.reason}`);
  return result.value;
}

describe("parseOrderPayload", () => {
  it("GIVEN the real orders/create sample WHEN parsed THEN ids are exact strings and contact facts are read", () => {
    const order = ok(parseOrderPayload(loadSample("orders", "create")));
    expect(order.id).toBe("820982911946154500");
    expect(order.name).toBe("#9999");
    expect(order.cancelled_at).toBe("2022-01-01T00:00:00.000Z"); // "2021-12-31T19:00:00-05:00" in UTC
    expect(order.shipping_address).toEqual({ first_name: "Steve", name: "steve shipper", phone: "555-555-SHIP", country_code: "US" });
    expect(order.customer?.default_address).toEqual({ first_name: "John", name: "john smith", phone: "123-123-1234", country_code: "CA" });
    expect(order.line_items?.map((l) => [l.id, l.quantity, l.current_quantity])).toEqual([
      ["487817672276298560", 1, 1],
      ["976318377106520300", 1, 1],
      ["315789986012684400", 1, 1],
    ]);
    expect(order.order_status_url).toMatch(/^https:\/\/jsmith\.myshopify\.com\//);
  });

  it("GIVEN every 2025-10 order topic sample WHEN parsed THEN each one is accepted", () => {
    for (const action of ["create", "cancelled", "updated", "paid", "fulfilled", "partially_fulfilled", "edited"]) {
      const result = parseOrderPayload(loadSample("orders", action));
      if (action === "edited") expect(result.ok).toBe(false); // orders/edited is not an order payload
      else expect(result, action).toMatchObject({ ok: true });
    }
  });

  it("GIVEN ids, counts and flags written as strings or gids WHEN parsed THEN they are read", () => {
    const order = ok(
      parseOrderPayload({
        id: "gid://shopify/Order/820982911946154554",
        line_items: [{ id: 42, quantity: "2", current_quantity: "1.0", requires_shipping: "false" }],
        note_attributes: [{ name: "wa_ref", value: 12345 }, { value: "no name" }, "junk"],
      }),
    );
    expect(order.id).toBe("820982911946154554");
    expect(order.line_items).toEqual([
      { id: "42", quantity: 2, current_quantity: 1, fulfillable_quantity: null, requires_shipping: false },
    ]);
    expect(order.note_attributes).toEqual([{ name: "wa_ref", value: "12345" }]);
  });

  it("GIVEN a line item without a quantity WHEN parsed THEN the line items are unknown (null), not under-counted", () => {
    const order = ok(parseOrderPayload({ id: 1, line_items: [{ id: 1, quantity: 1 }, { id: 2 }] }));
    expect(order.line_items).toBeNull();
  });

  it("GIVEN a payload trimmed by include_fields WHEN parsed THEN missing fields read as null or empty lists", () => {
    const order = ok(parseOrderPayload({ id: 7 }));
    expect(order).toMatchObject({
      id: "7",
      name: null,
      customer: null,
      shipping_address: null,
      line_items: null,
      fulfillments: [],
      refunds: [],
      note_attributes: [],
      updated_at: null,
    });
  });

  it("GIVEN a refund from the refunds/create sample shape WHEN parsed THEN its line quantities are read", () => {
    const order = ok(parseOrderPayload(orderPayload({ refunds: [refund(LINE_A, 1)] })));
    expect(order.refunds).toEqual([{ refund_line_items: [{ line_item_id: LINE_A, quantity: 1 }] }]);
  });

  it("GIVEN an unknown fulfillment status inside the order WHEN parsed THEN it is kept lower-cased", () => {
    const f = fulfillmentPayload({ id: "5001", status: "SUCCESS", lines: [[LINE_B, 1]], created: 5, shipmentStatus: "carrier_picked_up" });
    const order = ok(parseOrderPayload(orderPayload({ fulfillments: [f] })));
    expect(order.fulfillments[0]).toMatchObject({ id: "5001", status: "success", shipment_status: "carrier_picked_up" });
  });

  it.each([
    [null, "order payload is not a JSON object (got null)"],
    [[1, 2], "order payload is not a JSON object (got an array)"],
    ["text", 'order payload is not a JSON object (got "text")'],
    [{}, "order payload has no id"],
    [{ id: null }, "order payload has no id"],
    [{ id: -5 }, "order payload has an invalid id (-5)"],
    [{ id: "abc" }, 'order payload has an invalid id ("abc")'],
    [{ id: 1.5 }, "order payload has an invalid id (1.5)"],
  ])("GIVEN %j WHEN parsed THEN it is refused with a readable reason", (input, reason) => {
    expect(parseOrderPayload(input)).toEqual({ ok: false, reason });
  });
});

describe("parseFulfillmentPayload", () => {
  it("GIVEN the real fulfillments/create sample WHEN parsed THEN tracking and lines are read", () => {
    const f = ok(parseFulfillmentPayload(loadSample("fulfillments", "create")));
    expect(f).toMatchObject({
      id: "123456",
      order_id: "820982911946154500",
      status: "pending",
      shipment_status: null,
      tracking_company: "UPS",
      tracking_number: "1z827wk74630",
      name: "#9999.1",
    });
    expect(f.line_items).toHaveLength(3);
    expect(f.updated_at).toBe("2022-01-01T00:00:00.000Z");
  });

  it("GIVEN a fulfillment without order_id WHEN parsed THEN the reason names the field", () => {
    const { order_id: _dropped, ...rest } = loadSample("fulfillments", "update");
    expect(parseFulfillmentPayload(rest)).toEqual({ ok: false, reason: "fulfillment payload has no order_id" });
  });

  it("GIVEN only tracking_numbers / tracking_urls lists WHEN parsed THEN they are kept", () => {
    const f = ok(parseFulfillmentPayload({ id: 1, order_id: 2, tracking_numbers: ["A1", 7], tracking_urls: "nope" }));
    expect(f.tracking_numbers).toEqual(["A1", "7"]);
    expect(f.tracking_urls).toEqual([]);
    expect(f.line_items).toBeNull();
  });
});

describe("parseFulfillmentEventPayload", () => {
  it("GIVEN the real fulfillment_events/create sample WHEN parsed THEN status and ids are read", () => {
    const e = ok(parseFulfillmentEventPayload(loadSample("fulfillment_events", "create")));
    expect(e).toMatchObject({ id: "1234567", fulfillment_id: "123456", order_id: "820982911946154500", status: "in_transit" });
  });

  it("GIVEN a lifecycle event WHEN parsed THEN happened_at is normalised to UTC", () => {
    const e = ok(parseFulfillmentEventPayload(fulfillmentEventPayload({ id: "9001", fulfillmentId: "5001", status: "delivered", happened: 90 })));
    expect(e).toMatchObject({ order_id: ORDER_ID, fulfillment_id: "5001", status: "delivered", happened_at: utc(90) });
  });

  it("GIVEN an event without fulfillment_id or order_id WHEN parsed THEN it is refused naming the field", () => {
    expect(parseFulfillmentEventPayload({ order_id: 1 })).toEqual({ ok: false, reason: "fulfillment event payload has no fulfillment_id" });
    expect(parseFulfillmentEventPayload({ fulfillment_id: 1 })).toEqual({ ok: false, reason: "fulfillment event payload has no order_id" });
  });
});

describe("scalar readers", () => {
  it("reads ids, counts and timestamps strictly enough", () => {
    expect(readId(" 00123 ")).toBe("123");
    expect(readId(820982911946154500)).toBe("820982911946154496"); // already rounded by JSON.parse: printed without exponent
    expect(readId("gid://shopify/Fulfillment/55?x=1")).toBe("55");
    expect(readId("__proto__")).toBeNull();
    expect(readCount("3")).toBe(3);
    expect(readCount(-1)).toBeNull();
    expect(readCount("1e3")).toBeNull();
    expect(readTimestamp("2021-12-31T19:00:00-05:00")).toBe("2022-01-01T00:00:00.000Z");
    expect(readTimestamp("not a date")).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------
// Property tests: the readers never throw, whatever arrives.

const PARSERS = [parseOrderPayload, parseFulfillmentPayload, parseFulfillmentEventPayload] as const;

const oddValue = fc.oneof(
  fc.constant(undefined), // removes the field
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: "binary" }),
  fc.string({ unit: "grapheme" }),
  fc.constantFrom("x".repeat(200_000), "👩🏽‍💻".repeat(5_000), "\u0000\uFFFF\uD800", "1e400", "NaN", "-0", "9".repeat(40)),
  fc.double(),
  fc.bigInt().map((b) => b.toString()),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
);

/** All paths to values in a JSON tree, e.g. ["line_items", 0, "quantity"]. */
function pathsOf(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const here = prefix.length > 0 ? [prefix] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => pathsOf(v, [...prefix, i]))];
  if (isObject(value)) return [...here, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
  return here;
}

function mutate(root: JsonObject, path: Array<string | number>, replacement: unknown): void {
  let node: unknown = root;
  for (const step of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[step];
  const last = path[path.length - 1];
  if (last === undefined || typeof node !== "object" || node === null) return;
  if (replacement === undefined && !Array.isArray(node)) delete (node as Record<string, unknown>)[last];
  else (node as Record<string | number, unknown>)[last] = replacement;
}

const SAMPLES: Array<() => JsonObject> = [
  () => loadSample("orders", "create"),
  () => loadSample("fulfillments", "update"),
  () => loadSample("fulfillment_events", "create"),
  () => orderPayload({ fulfillments: [fulfillmentPayload({ id: "5001", status: "success", lines: [[LINE_A, 2]], created: 5 })] }),
];

describe("payload readers never throw", () => {
  it("PROPERTY: arbitrary JSON values give ok or a reason string", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        for (const parse of PARSERS) {
          const result = parse(value);
          if (!result.ok) expect(typeof result.reason).toBe("string");
        }
      }),
      { numRuns: 300 },
    );
  });

  it("PROPERTY: the real samples with fields removed, nulled, retyped, huge or in odd Unicode give ok or a reason", () => {
    const sampleTrees = SAMPLES.map((make) => make());
    fc.assert(
      fc.property(
        fc.nat({ max: SAMPLES.length - 1 }),
        fc.array(fc.tuple(fc.nat(), oddValue), { minLength: 1, maxLength: 6 }),
        (which, mutations) => {
          const tree = structuredClone(sampleTrees[which]) as JsonObject;
          for (const [pick, replacement] of mutations) {
            const paths = pathsOf(tree);
            const path = paths[pick % Math.max(1, paths.length)];
            if (path) mutate(tree, path, replacement);
          }
          for (const parse of PARSERS) {
            const result = parse(tree);
            expect(result.ok ? typeof result.value : typeof result.reason).toMatch(/object|string/);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it("PROPERTY: a parsed payload never holds an id that is not a decimal string", () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.string()), fc.oneof(fc.jsonValue(), fc.string()), (id, orderId) => {
        const result = parseFulfillmentPayload({ id, order_id: orderId });
        if (result.ok) {
          expect(result.value.id).toMatch(/^\d+$/);
          expect(result.value.order_id).toMatch(/^\d+$/);
        }
      }),
      { numRuns: 300 },
    );
  });
});
