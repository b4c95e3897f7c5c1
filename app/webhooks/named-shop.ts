import type { Topic } from "./topics";

/**
 * Whether a webhook body names the shop its header names. The signature covers the body
 * only, so the topics that erase or disconnect a shop act only on a body that names the
 * header's shop itself: app/uninstalled (the Shop resource: `myshopify_domain`, or `domain`
 * where that is still the myshopify domain) and the compliance topics (`shop_domain`).
 * Order and fulfillment bodies do not name their shop; they are "not-required".
 */
export type NamedShop = "same" | "other" | "none" | "not-required";

export function topicMustNameShop(topic: Topic | undefined): boolean {
  return topic === "app/uninstalled" || topic === "shop/redact" || topic?.startsWith("customers/") === true;
}

export function namedShop(topic: Topic | undefined, rawBody: string, shop: string): NamedShop {
  if (!topicMustNameShop(topic)) return "not-required";
  const body = objectOf(rawBody);
  if (!body) return "none";
  const decisive = topic === "app/uninstalled" ? body.myshopify_domain : body.shop_domain;
  if (typeof decisive === "string") return decisive === shop ? "same" : "other";
  // `domain` is the shop's primary domain, often a custom one: it can prove the shop, never refute it.
  if (topic === "app/uninstalled" && body.domain === shop) return "same";
  return "none";
}

function objectOf(rawBody: string): Record<string, unknown> | undefined {
  try {
    const body = JSON.parse(rawBody) as unknown;
    return body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
