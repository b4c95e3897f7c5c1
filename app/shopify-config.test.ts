import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { ADMIN_API_VERSION } from "./api-version";
import { COMPLIANCE_TOPICS, SUBSCRIBED_TOPICS } from "./webhooks/topics";
import { APP_URL } from "../extensions/whatsapp-opt-in/src/app-url";
import { ORDER_STATUS_ENDPOINT, THANK_YOU_ENDPOINT } from "../extensions/whatsapp-opt-in/src/opt-in-client";

interface AppToml {
  application_url: string;
  access_scopes: { scopes: string };
  webhooks: {
    api_version: string;
    subscriptions: Array<{ topics?: string[]; compliance_topics?: string[]; uri: string }>;
  };
}

const toml = parse(readFileSync("shopify.app.toml", "utf8")) as unknown as AppToml;

/** Remix flat routes: /webhooks/orders/create is app/routes/webhooks.orders.create.tsx */
function routeFileFor(uri: string): string {
  return path.join("app", "routes", `${uri.replace(/^\//, "").replace(/\//g, ".")}.tsx`);
}

describe("shopify.app.toml", () => {
  it("GIVEN the one Admin API version constant THEN the webhooks use the same version", () => {
    expect(toml.webhooks.api_version).toBe(ADMIN_API_VERSION);
  });

  it("GIVEN the topics the app handles THEN the TOML subscribes to exactly those", () => {
    const subscribed = toml.webhooks.subscriptions.flatMap((s) => s.topics ?? []);
    expect([...subscribed].sort()).toEqual([...SUBSCRIBED_TOPICS].sort());
    const compliance = toml.webhooks.subscriptions.flatMap((s) => s.compliance_topics ?? []);
    expect([...compliance].sort()).toEqual([...COMPLIANCE_TOPICS].sort());
  });

  it("GIVEN each subscription THEN its URI has a route file", () => {
    for (const subscription of toml.webhooks.subscriptions) {
      expect(existsSync(routeFileFor(subscription.uri)), subscription.uri).toBe(true);
    }
  });

  it("GIVEN the scopes THEN only reading orders and fulfillments is asked for", () => {
    expect(toml.access_scopes.scopes.split(",").sort()).toEqual(["read_fulfillments", "read_orders"]);
  });
});

describe("extensions/whatsapp-opt-in", () => {
  const extension = parse(readFileSync("extensions/whatsapp-opt-in/shopify.extension.toml", "utf8")) as unknown as {
    api_version: string;
    extensions: Array<{ handle: string; type: string; targeting: Array<{ target: string; module: string }>; capabilities: { network_access: boolean } }>;
  };

  it("GIVEN the opt-in block THEN it renders on the thank-you and order-status pages and may call the app", () => {
    const [block] = extension.extensions;
    expect(extension.api_version).toBe(ADMIN_API_VERSION);
    expect(block).toMatchObject({ handle: "whatsapp-opt-in", type: "ui_extension", capabilities: { network_access: true } });
    expect(block?.targeting).toEqual([
      { target: "purchase.thank-you.block.render", module: "./src/ThankYou.tsx" },
      { target: "customer-account.order-status.block.render", module: "./src/OrderStatus.tsx" },
    ]);
  });

  it("GIVEN the block's endpoints THEN they are the app's URL and routes", () => {
    expect(APP_URL).toBe(toml.application_url);
    for (const endpoint of [THANK_YOU_ENDPOINT, ORDER_STATUS_ENDPOINT]) expect(existsSync(routeFileFor(endpoint)), endpoint).toBe(true);
  });
});

describe("shopify.web.toml", () => {
  const web = parse(readFileSync("shopify.web.toml", "utf8")) as unknown as {
    roles: string[];
    webhooks_path: string;
    commands: { dev: string };
  };
  const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts;

  it("GIVEN one process for pages and webhooks THEN it has the frontend and backend roles and a real webhook path", () => {
    expect([...web.roles].sort()).toEqual(["backend", "frontend"]);
    expect(existsSync(routeFileFor(web.webhooks_path))).toBe(true);
  });

  it("GIVEN `shopify app dev` THEN its dev command builds and starts this server with .env read", () => {
    const script = /^npm run ([\w:-]+)$/.exec(web.commands.dev)?.[1];
    expect(script).toBeDefined();
    expect(scripts[script!]).toMatch(/npm run build && node --env-file-if-exists=\.env build\/server\.js$/);
    expect(scripts.dev).toBe("shopify app dev");
  });
});

