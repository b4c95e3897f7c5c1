/**
 * The Templates page's form posted over real HTTP to the production build with a valid
 * session token, for every one of its fields (switch, body and description of each of the
 * five statuses): empty, whitespace, oversized, script injection, template tricks, wrong
 * types (repeated fields, numbers, prototype keys as field names) and odd Unicode, in both
 * encodings a browser uses.
 *
 * Every answer is 200, never 5xx. A refused form names each wrong field with a sentence and
 * leaves all five templates and the shop exactly as they were. An accepted one stores the
 * five templates exactly as posted (line breaks as LF), and the page that shows them again
 * carries hostile text only escaped.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqlDatabase, type SqlDatabase } from "../../app/db/sql.server";
import { ORDER_STATUSES, type OrderStatus } from "../../app/kaleyra/statuses";
import { DEFAULT_TEMPLATES } from "../../app/templates/defaults";
import { storeOfflineSession } from "../browser/support/shopify-session";
import { startTestApp, type TestApp } from "../helpers/app";
import { makeShop } from "../factories";
import {
  HOSTILE_TEXT,
  IMG_ONERROR,
  JS_URL,
  LONE_SURROGATE,
  NUL,
  RTL,
  SCRIPT,
  TEMPLATE_PROTO,
  WHITESPACE,
  ZERO_WIDTH,
  expectClearSentence,
  expectNoInjectedMarkup,
  htmlEscaped,
  jsonInScript,
  nastyText,
} from "./support/hostile";
import { AdminClient, jsonOf, lastOf, type Encoding, type FieldValue, type FormEntries } from "./support/http";
import { asBoolean, storedState, type StoredState } from "./support/store";

const SHOP = "forms-templates.myshopify.com";
const PATH = "/app/templates";
const ROUTE = "routes/app.templates";

const PARTS = ["enabled", "body", "description"] as const;
type Part = (typeof PARTS)[number];
type FieldName = `${OrderStatus}.${Part}`;
type FormValues = Partial<Record<FieldName, FieldValue | FieldValue[]>>;

const FIELD_NAMES: FieldName[] = ORDER_STATUSES.flatMap((status) => PARTS.map((part): FieldName => `${status}.${part}`));

/** The defaults, as the page posts them. */
const VALID: Record<FieldName, string> = Object.fromEntries(
  ORDER_STATUSES.flatMap((status) => [
    [`${status}.enabled`, "true"],
    [`${status}.body`, DEFAULT_TEMPLATES[status].body],
    [`${status}.description`, DEFAULT_TEMPLATES[status].description],
  ]),
) as Record<FieldName, string>;

const NUMBER = new Intl.NumberFormat("en");
const BODY_EMPTY = "The message body is empty. Write the text the shopper will receive.";
const ONLY_VARIABLES = "Add some text besides the variables, so that the message is never empty.";
const BROKEN_VARIABLE = "A variable is not written correctly: write variables with double braces, like {{order_name}}.";
const bodyTooLong = (length: number) => `The body is ${NUMBER.format(length)} characters long; the limit is 1,024.`;
const descriptionTooLong = (length: number) => `The description is ${NUMBER.format(length)} characters long; the limit is 120.`;
const unknownVariable = (name: string) =>
  new RegExp(`^Unknown variable \\{\\{${name.replace(/[^\w]/g, "\\$&")}\\}\\}\\. Use one of: \\{\\{customer_first_name\\}\\}, \\{\\{order_name\\}\\}`);
const control = (what: string) => `Remove the invisible control character U+0000 from the ${what}: it cannot be stored or sent.`;

type Expectation = { error: string | RegExp } | { stored: string | boolean | null };

interface Case {
  part: Part;
  name: string;
  value: FieldValue | FieldValue[];
  expect: Expectation;
}

const refused = (error: string | RegExp): Expectation => ({ error });
const stored = (value: string | boolean | null): Expectation => ({ stored: value });
const HOSTILE_NAMES = HOSTILE_TEXT.map(([name]) => name);

function hostileCases(part: Part, answers: Record<string, Expectation>): Case[] {
  const missing = HOSTILE_NAMES.filter((name) => !(name in answers));
  if (missing.length > 0) throw new Error(`no expected answer for ${part}: ${missing.join(", ")}`);
  return HOSTILE_TEXT.map(([name, value]) => ({ part, name, value, expect: answers[name] as Expectation }));
}

const FAMILY = "👩\u200D👩\u200D👧";

function templateCases(): Case[] {
  return [
    ...hostileCases("body", {
      empty: refused(BODY_EMPTY),
      whitespace: refused(BODY_EMPTY),
      "2,000 characters": refused(bodyTooLong(2_000)),
      "100,000 characters": refused(bodyTooLong(100_000)),
      // Text is text: a body may say anything, and is only ever shown escaped.
      "<script>": stored(SCRIPT),
      "img onerror": stored(IMG_ONERROR),
      // Nothing but a variable: the first thing to fix is that the message could be empty.
      "{{constructor}}": refused(ONLY_VARIABLES),
      "javascript: URL": stored(JS_URL),
      "RTL override": stored(RTL),
      "zero-width joiners": stored(ZERO_WIDTH),
      "lone surrogate bytes": stored(LONE_SURROGATE.decoded),
      NUL: refused(control("message body")),
      "a number": stored("12345"),
    }),
    { part: "body", name: "an unknown variable {{constructor}}", value: `Hi ${TEMPLATE_PROTO}`, expect: refused(unknownVariable("constructor")) },
    { part: "body", name: "an unknown variable {{ __proto__ }}", value: "Hi {{ __proto__ }}", expect: refused(unknownVariable("__proto__")) },
    { part: "body", name: "markup as a variable name", value: `Hi {{${SCRIPT}}}`, expect: refused(unknownVariable(SCRIPT)) },
    { part: "body", name: "only a known variable", value: "{{order_name}}", expect: refused(ONLY_VARIABLES) },
    { part: "body", name: "an unclosed variable", value: "Hi {{order_name", expect: refused(BROKEN_VARIABLE) },
    // The validator's variable pattern backtracks with the cube of what follows an unclosed `{{`.
    { part: "body", name: "an unclosed variable and 8,000 spaces", value: `{{${" ".repeat(8_000)}`, expect: refused(BROKEN_VARIABLE) },
    { part: "body", name: "an unclosed variable, 1,000 spaces and text", value: `Hi {{${" ".repeat(1_000)}there`, expect: refused(BROKEN_VARIABLE) },
    { part: "body", name: "a variable padded past 32 characters", value: `Hi {{${" ".repeat(20)}order_name${" ".repeat(20)}}}`, expect: refused(BROKEN_VARIABLE) },
    { part: "body", name: "a variable padded with spaces", value: "Hi {{ order_name }}", expect: stored("Hi {{ order_name }}") },
    { part: "body", name: "markup around a variable", value: `${SCRIPT} {{order_name}}`, expect: stored(`${SCRIPT} {{order_name}}`) },
    { part: "body", name: "CRLF line breaks", value: "Line one\r\nLine two\rthree", expect: stored("Line one\nLine two\nthree") },
    { part: "body", name: "1,024 characters", value: "b".repeat(1_024), expect: stored("b".repeat(1_024)) },
    { part: "body", name: "1,025 characters", value: "b".repeat(1_025), expect: refused(bodyTooLong(1_025)) },
    // Counted the strict way: one family emoji is 8 UTF-16 units, so 128 fill the body and 1,024 are far over.
    { part: "body", name: "128 joined emoji", value: FAMILY.repeat(128), expect: stored(FAMILY.repeat(128)) },
    {
      part: "body",
      name: "1,024 joined emoji",
      value: FAMILY.repeat(1_024),
      expect: refused(
        "The body is 8,192 characters long as WhatsApp may count them (in UTF-16 units, where most emoji count 2 or more; you see 1,024); the limit is 1,024.",
      ),
    },
    { part: "body", name: "repeated valid, empty", value: ["Hello", ""], expect: refused(BODY_EMPTY) },
    { part: "body", name: "repeated empty, valid", value: ["", "Hello"], expect: stored("Hello") },

    ...hostileCases("description", {
      // The description is optional: empty is stored as none.
      empty: stored(null),
      whitespace: stored(WHITESPACE),
      "2,000 characters": refused(descriptionTooLong(2_000)),
      "100,000 characters": refused(descriptionTooLong(100_000)),
      "<script>": stored(SCRIPT),
      "img onerror": stored(IMG_ONERROR),
      "{{constructor}}": refused(unknownVariable("constructor")),
      "javascript: URL": stored(JS_URL),
      "RTL override": stored(RTL),
      "zero-width joiners": stored(ZERO_WIDTH),
      "lone surrogate bytes": stored(LONE_SURROGATE.decoded),
      NUL: refused(control("description")),
      "a number": stored("12345"),
    }),
    { part: "description", name: "an unclosed variable and 900 spaces", value: `{{${" ".repeat(900)}`, expect: refused(BROKEN_VARIABLE) },
    { part: "description", name: "120 characters", value: "d".repeat(120), expect: stored("d".repeat(120)) },
    { part: "description", name: "121 characters", value: "d".repeat(121), expect: refused(descriptionTooLong(121)) },
    { part: "description", name: "repeated long, short", value: ["d".repeat(2_000), "Short"], expect: stored("Short") },

    // A switch is on only as "true" (the page) or "on" (a plain HTML form); anything else is off.
    ...hostileCases("enabled", Object.fromEntries(HOSTILE_NAMES.map((name) => [name, stored(false)]))),
    { part: "enabled", name: "true", value: "true", expect: stored(true) },
    { part: "enabled", name: "on", value: "on", expect: stored(true) },
    { part: "enabled", name: "repeated false, true", value: ["false", "true"], expect: stored(true) },
  ];
}

// ---------------------------------------------------------------------------------------
// The model: what an accepted form stores.

type StoredTemplates = Record<OrderStatus, { enabled: boolean; body: unknown; description: unknown }>;

const lf = (text: string) => text.replace(/\r\n?/g, "\n");

function expectedTemplates(form: FormValues, encoding: Encoding): StoredTemplates {
  return Object.fromEntries(
    ORDER_STATUSES.map((status) => {
      const enabled = lastOf(form[`${status}.enabled`], encoding);
      return [
        status,
        {
          enabled: enabled === "true" || enabled === "on",
          body: lf(lastOf(form[`${status}.body`], encoding) ?? ""),
          description: lf(lastOf(form[`${status}.description`], encoding) ?? "") || null,
        },
      ];
    }),
  ) as StoredTemplates;
}

function storedTemplates(state: StoredState): StoredTemplates {
  return Object.fromEntries(
    state.templates.map((row) => [row.status, { enabled: asBoolean(row.enabled), body: row.body, description: row.description }]),
  ) as StoredTemplates;
}

function entriesOf(form: FormValues): FormEntries {
  const entries: Array<readonly [string, FieldValue]> = [];
  for (const name of FIELD_NAMES) {
    const value = form[name];
    if (value === undefined) continue;
    for (const one of [value].flat()) entries.push([name, one]);
  }
  return entries;
}

// ---------------------------------------------------------------------------------------

let app: TestApp;
let db: SqlDatabase;
let admin: AdminClient;
const tally = { inputs: 0, serverErrors: 0, partialSaves: 0, pagesChecked: 0, unescapedRenders: 0 };

interface Posted {
  status: number;
  elapsedMs: number;
  body: { ok?: boolean; errors?: Record<string, string> };
  before: StoredState;
  after: StoredState;
}

async function post(entries: FormEntries, encoding: Encoding = "urlencoded"): Promise<Posted> {
  const before = await storedState(db, SHOP);
  const started = performance.now();
  const answer = await admin.submit(PATH, ROUTE, entries, encoding);
  const elapsedMs = performance.now() - started;
  const after = await storedState(db, SHOP);
  tally.inputs += 1;
  if (answer.status >= 500) tally.serverErrors += 1;
  const body = answer.status < 500 ? jsonOf<Posted["body"]>(answer) : {};
  if (body.ok === false && JSON.stringify(after) !== JSON.stringify(before)) tally.partialSaves += 1;
  return { status: answer.status, elapsedMs, body, before, after };
}

/** The Templates page as the merchant opens it: only escaped hostile text, and `shown` in both escaped forms. */
async function expectPageShowsEscaped(shown: string): Promise<void> {
  const page = await admin.page(PATH);
  tally.pagesChecked += 1;
  expect(page.status).toBe(200);
  try {
    expectNoInjectedMarkup(page.text, PATH);
  } catch (error) {
    tally.unescapedRenders += 1;
    throw error;
  }
  expect(page.text).toContain(htmlEscaped(shown));
  expect(page.text).toContain(jsonInScript(shown));
}

beforeAll(async () => {
  app = await startTestApp();
  db = openSqlDatabase(app.database.url);
  await makeShop(db, SHOP);
  await storeOfflineSession(SHOP);
  admin = new AdminClient(app.url, SHOP);
  // Saved once, so that "before" always has five rows to compare.
  expect((await post(entriesOf(VALID))).body).toEqual({ ok: true, savedAt: expect.any(Number) });
});

afterAll(async () => {
  await db?.close();
  await app?.stop();
});

// Every field gets every case urlencoded; multipart (the same parser's other half) takes each case in one status, in turn.
describe.each<Encoding>(["urlencoded", "multipart"])("the templates form, posted %s", (encoding) => {
  it.each(templateCases().map((c, index) => [`${c.part}: ${c.name}`, c, index] as const))(
    "GIVEN a %s WHEN saved THEN the answer is the expected one and the templates change whole or not at all",
    async (_name, c, index) => {
      const statuses = encoding === "urlencoded" ? ORDER_STATUSES : [ORDER_STATUSES[index % ORDER_STATUSES.length] as OrderStatus];
      for (const status of statuses) {
        const field: FieldName = `${status}.${c.part}`;
        const form: FormValues = { ...VALID, [field]: c.value };
        const result = await post(entriesOf(form), encoding);

        expect(result.status).toBe(200);
        if ("error" in c.expect) {
          expect(result.body.ok).toBe(false);
          expect(Object.keys(result.body.errors ?? {})).toEqual([field]);
          expect(result.body.errors?.[field]).toMatch(c.expect.error);
          expectClearSentence(result.body.errors?.[field]);
          expect(result.after).toStrictEqual(result.before);
        } else {
          expect(result.body.ok).toBe(true);
          const after = storedTemplates(result.after);
          expect(after[status][c.part]).toEqual(c.expect.stored);
          expect(after).toEqual(expectedTemplates(form, encoding));
          expect(result.after.shop?.templatesReviewedAt).toBeInstanceOf(Date);
          expect(result.after.domains).toEqual(result.before.domains);
        }
      }
      const shown = "stored" in c.expect ? c.expect.stored : null;
      if (encoding === "urlencoded" && typeof shown === "string" && shown.trim() !== "" && !shown.includes("\n") && c.part !== "enabled") {
        await expectPageShowsEscaped(shown);
      }
    },
  );
});

describe("texts that are slow to check", () => {
  // Before the bounds in app/admin/templates.ts: 3 s for 100,000 characters, 10 minutes for `{{`
  // and 8,000 spaces. The test's deadline catches that; how long a refusal takes is a figure
  // (printed here), not an assertion, so a busy machine cannot fail it.
  it.each([
    ["`{{` and 8,000 spaces", `{{${" ".repeat(8_000)}`],
    ["`{{` and 30 spaces, 250 times", `{{${" ".repeat(30)}`.repeat(250)],
    ["8,000 combining accents on one letter", `a${"\u0301".repeat(8_000)}`],
  ])("GIVEN %s in every body and description WHEN saved THEN refused, and nothing is stored", async (name, text) => {
    const form: FormValues = { ...VALID };
    for (const status of ORDER_STATUSES) {
      form[`${status}.body`] = text;
      form[`${status}.description`] = text;
    }
    const result = await post(entriesOf(form));
    expect(result.status).toBe(200);
    expect(result.body.ok).toBe(false);
    for (const status of ORDER_STATUSES) expect(result.body.errors?.[`${status}.description`]).toMatch(/^(The description is|A variable)/);
    expect(result.after).toStrictEqual(result.before);
    process.stdout.write(`[forms] slow-to-check ${JSON.stringify({ input: name, refusedInMs: Math.round(result.elapsedMs) })}\n`);
  }, 60_000);
});

describe("bodies past the form limit (MAX_FORM_BYTES)", () => {
  // Before the limit every field was read whole: ten fields of 5 MB held every shop's requests for 13.7 s.
  it.each<[string, Encoding]>([
    ["ten fields of 1,000,000 characters, urlencoded", "urlencoded"],
    ["ten fields of 1,000,000 characters, multipart", "multipart"],
  ])("GIVEN %s WHEN saved THEN 413 before anything parses it, and nothing changes", async (_name, encoding) => {
    const form: FormValues = { ...VALID };
    for (const status of ORDER_STATUSES) {
      form[`${status}.body`] = "z".repeat(1_000_000);
      form[`${status}.description`] = "z".repeat(1_000_000);
    }
    const before = await storedState(db, SHOP);
    const answer = await admin.submit(PATH, ROUTE, entriesOf(form), encoding);
    expect(answer.status).toBe(413);
    expect(await storedState(db, SHOP)).toStrictEqual(before);
  });
});

describe("a leading byte-order mark", () => {
  it.each<[Encoding, string]>([
    ["urlencoded", "\uFEFFOrder {{order_name}}"],
    ["multipart", "Order {{order_name}}"],
  ])("GIVEN a description starting with U+FEFF WHEN posted %s THEN what the form decoder read is stored", async (encoding, stored) => {
    const result = await post(entriesOf({ ...VALID, "shipped.description": "\uFEFFOrder {{order_name}}" }), encoding);
    expect(result.body.ok).toBe(true);
    expect(storedTemplates(result.after).shipped.description).toBe(stored);
  });
});

describe("names the form does not have", () => {
  it("GIVEN prototype keys and unknown statuses as field names WHEN saved THEN they are ignored and no object is polluted", async () => {
    const result = await post([
      ...entriesOf({ ...VALID, "shipped.body": "Shipped {{order_name}}" }),
      ["__proto__.body", SCRIPT],
      ["__proto__.polluted", "yes"],
      ["constructor.polluted", "yes"],
      ["toString.enabled", "true"],
      ["hasOwnProperty.body", "x"],
      ["returned.body", SCRIPT],
      ["shipped.__proto__", "x"],
      ["shipped", "x"],
      [".body", "x"],
      ["shopDomain", "other-shop.myshopify.com"],
    ]);
    expect(result.body.ok).toBe(true);
    expect(storedTemplates(result.after)).toEqual(expectedTemplates({ ...VALID, "shipped.body": "Shipped {{order_name}}" }, "urlencoded"));
    expect(result.after.templates.map((row) => row.status).sort()).toEqual([...ORDER_STATUSES].sort());
    expect(result.after.domains).toEqual(result.before.domains);
    // The server runs in this process: its objects are these objects.
    const probe: Record<string, unknown> = {};
    expect([probe.polluted, probe.body, probe.enabled]).toEqual([undefined, undefined, undefined]);
    expect((Object as unknown as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(Object.prototype, "body")).toBe(false);
  });

  it("GIVEN a status left out entirely WHEN saved THEN its body is asked for and nothing is stored", async () => {
    const form: FormValues = { ...VALID };
    delete form["cancelled.body"];
    delete form["cancelled.description"];
    delete form["cancelled.enabled"];
    const result = await post(entriesOf(form));
    expect(result.body).toEqual({ ok: false, errors: { "cancelled.body": BODY_EMPTY } });
    expect(result.after).toStrictEqual(result.before);
  });

  it("GIVEN every body and description wrong at once WHEN saved THEN all ten are named in one answer and nothing is stored", async () => {
    const form: FormValues = { ...VALID };
    for (const status of ORDER_STATUSES) {
      form[`${status}.body`] = "x".repeat(2_000);
      form[`${status}.description`] = NUL;
    }
    const result = await post(entriesOf(form));
    expect(result.body.errors).toEqual(
      Object.fromEntries(
        ORDER_STATUSES.flatMap((status) => [
          [`${status}.body`, bodyTooLong(2_000)],
          [`${status}.description`, control("description")],
        ]),
      ),
    );
    expect(result.after).toStrictEqual(result.before);
  });
});

// ---------------------------------------------------------------------------------------
// Properties: whole forms mixing valid, hostile and random values in all fifteen fields.

interface Pick {
  value: FieldValue | FieldValue[] | undefined;
  refusedWith?: string | RegExp;
  /** Known to be accepted or refused whatever the other fields hold. */
  known: boolean;
}

const CASES_BY_PART = new Map<Part, Case[]>(PARTS.map((part) => [part, templateCases().filter((c) => c.part === part)]));
const VALID_CHOICES: Record<Part, string[]> = {
  enabled: ["true", "false", "on"],
  body: ["Hi {{customer_first_name}}, {{order_name}} is on its way.", `${SCRIPT} {{order_name}}`, "Plain text"],
  description: ["", "Order {{order_name}}", IMG_ONERROR],
};

function pickFor(part: Part, status: OrderStatus): fc.Arbitrary<Pick> {
  const cases = CASES_BY_PART.get(part) ?? [];
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(VALID[`${status}.${part}`], ...VALID_CHOICES[part]).map((value): Pick => ({ value, known: true })) },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(...cases)
        .map((c): Pick => ({ value: c.value, known: true, refusedWith: "error" in c.expect ? c.expect.error : undefined })),
    },
    { weight: 2, arbitrary: nastyText().map((value): Pick => ({ value, known: false })) },
    { weight: 1, arbitrary: fc.constant<Pick>({ value: undefined, known: part !== "body", refusedWith: part === "body" ? BODY_EMPTY : undefined }) },
  );
}

const FORMS = fc.record(
  Object.fromEntries(
    ORDER_STATUSES.flatMap((status) => PARTS.map((part) => [`${status}.${part}`, pickFor(part, status)])),
  ) as Record<FieldName, fc.Arbitrary<Pick>>,
);

describe("any mix of valid, hostile and random values", () => {
  it("GIVEN a generated templates form WHEN saved THEN never 5xx, every known problem is named, and the five are stored whole or not at all", async () => {
    await fc.assert(
      fc.asyncProperty(FORMS, fc.constantFrom<Encoding>("urlencoded", "multipart"), async (picks, encoding) => {
        const form: FormValues = Object.fromEntries(
          FIELD_NAMES.map((name) => [name, picks[name].value]).filter(([, value]) => value !== undefined),
        );
        const result = await post(entriesOf(form), encoding);
        expect(result.status).toBe(200);

        const knownRefusals = FIELD_NAMES.filter((name) => picks[name].refusedWith !== undefined);
        if (result.body.ok) {
          expect(knownRefusals).toEqual([]);
          expect(storedTemplates(result.after)).toEqual(expectedTemplates(form, encoding));
        } else {
          for (const name of knownRefusals) expect(result.body.errors?.[name]).toMatch(picks[name].refusedWith as string | RegExp);
          for (const [name, message] of Object.entries(result.body.errors ?? {})) {
            const pick = picks[name as FieldName];
            expect(pick, `an error on a field that was not posted: ${name}`).toBeDefined();
            expect(pick?.refusedWith !== undefined || pick?.known === false, `unexpected error on ${name}`).toBe(true);
            expectClearSentence(message);
          }
          expect(result.after).toStrictEqual(result.before);
        }
      }),
      { numRuns: 120 },
    );
  });

  it("GIVEN every input posted to this page WHEN counted THEN none answered 5xx, none saved partly, none rendered unescaped", async ({ annotate }) => {
    await annotate(`templates form: ${JSON.stringify(tally)}`);
    expect(tally.inputs).toBeGreaterThan(400);
    expect(tally.pagesChecked).toBeGreaterThan(20);
    expect(tally).toMatchObject({ serverErrors: 0, partialSaves: 0, unescapedRenders: 0 });
  });
});
