/**
 * Kaleyra's API domains by pod, as listed in Kaleyra's order-status document. Some other
 * Kaleyra pages name different hosts for SG and NA, so this table is the only place that
 * spells them.
 */
export const PODS = ["IN", "SG", "EU", "NA"] as const;

export type Pod = (typeof PODS)[number];

const POD_DOMAINS: Readonly<Record<Pod, string>> = {
  IN: "api.in.kaleyra.io",
  SG: "api.ap.kaleyra.io",
  EU: "api.eu.kaleyra.io",
  NA: "api.na.kaleyra.io",
};

export function isPod(value: unknown): value is Pod {
  return typeof value === "string" && (PODS as readonly string[]).includes(value);
}

export function podDomain(pod: Pod): string {
  return POD_DOMAINS[pod];
}

/**
 * The base URL requests go to. `override` is for the local sandbox and must come from the
 * KALEYRA_BASE_URL environment variable (operator-controlled), never from merchant input:
 * otherwise a merchant could make the server send its API key anywhere.
 */
export function kaleyraBaseUrl(pod: Pod, override?: string): string {
  const trimmed = override?.trim();
  if (!trimmed) return `https://${podDomain(pod)}`;
  const parsed = new URL(trimmed); // throws on garbage: a misconfigured env should fail loudly
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new Error("KALEYRA_BASE_URL must be an http(s) URL");
  }
  return trimmed.replace(/\/+$/, "");
}
