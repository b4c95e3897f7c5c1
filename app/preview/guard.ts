/**
 * When the admin preview may run. It hands out session tokens for a shop to anyone who can
 * reach the server, so it is for a developer's own machine only: never in production, and
 * only while the app's URL is a loopback address nobody else can open.
 */
const LOOPBACK_HOSTS = new Set(["localhost", "[::1]"]);

export function isLoopbackUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  const host = url.hostname.toLowerCase();
  return LOOPBACK_HOSTS.has(host) || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Why the preview must not start with this environment; undefined when it may. */
export function previewProblem(env: { NODE_ENV?: string; SHOPIFY_APP_URL?: string }): string | undefined {
  if (env.NODE_ENV === "production") {
    return "is for development only: the admin preview never runs with NODE_ENV=production";
  }
  if (!env.SHOPIFY_APP_URL || !isLoopbackUrl(env.SHOPIFY_APP_URL)) {
    return "needs SHOPIFY_APP_URL on a loopback address (http://127.0.0.1:<port> or http://localhost:<port>)";
  }
  return undefined;
}
