import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { FLOW_PROPERTIES } from "./send-action";

interface ExtensionToml {
  extensions: Array<{ type: string; handle: string; runtime_url: string }>;
  settings: { fields: Array<{ type: string; key?: string; required?: boolean }> };
}

const toml = parse(readFileSync("extensions/send-whatsapp-update/shopify.extension.toml", "utf8")) as unknown as ExtensionToml;
const app = parse(readFileSync("shopify.app.toml", "utf8")) as unknown as { application_url: string };

describe("the Flow action's extension", () => {
  it("GIVEN its TOML THEN it is a Flow action whose runtime URL is the app's route, on the app's origin", () => {
    const [extension] = toml.extensions;
    expect(extension?.type).toBe("flow_action");
    expect(extension?.handle.length).toBeLessThanOrEqual(30);
    const url = new URL(extension?.runtime_url ?? "");
    expect(url.origin).toBe(new URL(app.application_url).origin);
    // Remix flat routes: /flow/actions/send-order-update is app/routes/flow.actions.send-order-update.tsx
    expect(existsSync(path.join("app", "routes", `${url.pathname.slice(1).replace(/\//g, ".")}.tsx`))).toBe(true);
  });

  it("GIVEN its fields THEN a required order, and the status and template keys the app reads", () => {
    const fields = toml.settings.fields;
    expect(fields.find((field) => field.type === "order_reference")).toEqual({ type: "order_reference", required: true });
    const keys = fields.filter((field) => field.key).map((field) => [field.key, field.required]);
    expect(keys).toEqual([
      [FLOW_PROPERTIES.status, false],
      [FLOW_PROPERTIES.template, false],
    ]);
  });
});
