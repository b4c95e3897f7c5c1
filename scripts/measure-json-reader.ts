/**
 * Compares the app's big-integer-safe webhook body reader (app/orders/shopify-json.ts) with
 * lossless-json on Shopify's sample bodies, with 64-bit ids as Shopify sends them (bare
 * numbers). Not a dependency of the app: install it beside the project first,
 *
 *   npm install --no-save lossless-json@4 && tsx scripts/measure-json-reader.ts
 *
 * or name its entry module in LOSSLESS_JSON. Prints per-parse times and the ratio.
 */
import { performance } from "node:perf_hooks";
import { orderPayload } from "../app/orders/__fixtures__/lifecycle";
import { loadSample } from "../app/orders/__fixtures__/shopify-samples";
import { EXACT_INTEGER_DIGITS, parseShopifyJson } from "../app/orders/shopify-json";

type Parse = (text: string, reviver?: null, numberParser?: (value: string) => unknown) => unknown;

const BIG_INTEGER = new RegExp(`^-?\\d{${EXACT_INTEGER_DIGITS},}$`);
/** The app's reading of numbers: 16 or more integer digits stay text, the rest are numbers. */
const shopifyNumber = (value: string): unknown => (BIG_INTEGER.test(value) ? value : Number(value));

/** A payload as Shopify sends it: the ids the fixtures keep as text written back as bare numbers. */
function wireBody(payload: unknown): string {
  return JSON.stringify(payload).replace(new RegExp(`"(-?\\d{${EXACT_INTEGER_DIGITS},})"`, "g"), "$1");
}

function timePerParse(parse: (text: string) => unknown, text: string, rounds: number, perRound: number): number[] {
  const samples: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const start = performance.now();
    for (let i = 0; i < perRound; i += 1) parse(text);
    samples.push(((performance.now() - start) * 1000) / perRound);
  }
  return samples.sort((a, b) => a - b);
}

const median = (sorted: number[]) => sorted[Math.floor(sorted.length / 2)]!;

async function main(): Promise<void> {
  const lossless = (await import(process.env.LOSSLESS_JSON ?? "lossless-json")) as { parse: Parse };
  const bodies: Array<[string, string]> = [
    ["orders/create", wireBody(orderPayload())],
    ["orders/cancelled", wireBody(loadSample("orders", "cancelled"))],
    ["fulfillments/create", wireBody(loadSample("fulfillments", "create"))],
  ];
  const readers: Array<[string, (text: string) => unknown]> = [
    ["shopify-json (app)", parseShopifyJson],
    ["lossless-json", (text) => lossless.parse(text, null, shopifyNumber)],
  ];
  console.log(`node ${process.version}; median of 15 rounds, microseconds per parse (lower is better)`);
  for (const [name, text] of bodies) {
    // Both readers give the same value, or the comparison means nothing.
    const [app, library] = readers.map(([, parse]) => JSON.stringify(parse(text)));
    if (app !== library) throw new Error(`${name}: the readers disagree`);
    for (const [, parse] of readers) timePerParse(parse, text, 3, 500); // warm-up
    // Alternate the readers round by round so a busy machine slows both alike.
    const results = new Map<string, number[]>(readers.map(([reader]) => [reader, []]));
    for (let round = 0; round < 15; round += 1) {
      for (const [reader, parse] of readers) results.get(reader)!.push(...timePerParse(parse, text, 1, 500));
    }
    const [appUs, libUs] = readers.map(([reader]) => median(results.get(reader)!.sort((a, b) => a - b)));
    console.log(
      `${name} (${(text.length / 1024).toFixed(1)} KB): app ${appUs!.toFixed(1)} µs, lossless-json ${libUs!.toFixed(1)} µs, ` +
        `lossless-json / app = ${(libUs! / appUs!).toFixed(2)}`,
    );
  }
}

await main();
