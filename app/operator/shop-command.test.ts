import { describe, expect, it } from "vitest";
import { parseShopCommand } from "./shop-command";

const SHOP = "sunrise.myshopify.com";

describe("npm run shop -- arguments", () => {
  it("GIVEN each command WHEN parsed THEN the typed command", () => {
    expect(parseShopCommand([SHOP, "status"])).toEqual({ ok: true, command: { kind: "status", shop: SHOP } });
    expect(parseShopCommand([SHOP, "resume"])).toEqual({ ok: true, command: { kind: "resume", shop: SHOP } });
    expect(parseShopCommand([SHOP, "callbacks"])).toEqual({ ok: true, command: { kind: "callbacks", shop: SHOP } });
    expect(parseShopCommand([SHOP, "consent-import"])).toEqual({ ok: true, command: { kind: "consent-import", shop: SHOP } });
    expect(parseShopCommand([SHOP, "test-send", "+15025550147"])).toEqual({
      ok: true,
      command: { kind: "test-send", shop: SHOP, to: "+15025550147" },
    });
    expect(parseShopCommand([SHOP, "configure", "--sid", "HX1", "--number", "+919876543210", "--pod", "in", "--enable"])).toEqual({
      ok: true,
      command: { kind: "configure", shop: SHOP, sid: "HX1", number: "+919876543210", pod: "IN", enabled: true },
    });
    expect(parseShopCommand([SHOP, "configure", "--sid", "HX1", "--number", "+1", "--pod", "EU"])).toMatchObject({
      ok: true,
      command: { enabled: undefined, form: undefined },
    });
    expect(parseShopCommand([SHOP, "configure", "--sid", "HX1", "--number", "+1", "--pod", "EU", "--form", "template"])).toMatchObject({
      ok: true,
      command: { form: "template" },
    });
  });

  it.each([
    [[], /Name the shop/],
    [["sunrise.example.com", "status"], /not a shop domain/],
    [[SHOP], /Name a command/],
    [[SHOP, "explode"], /Unknown command "explode"/],
    [[SHOP, "configure", "--sid", "HX1"], /configure needs --number, --pod/],
    [[SHOP, "configure", "--sid", "HX1", "--number", "+1", "--pod", "MARS"], /--pod must be one of IN, SG, EU, NA/],
    [[SHOP, "configure", "--sid", "HX1", "--number", "+1", "--pod", "IN", "--enable", "--disable"], /not both/],
    [[SHOP, "configure", "--sid", "HX1", "--number", "+1", "--pod", "IN", "--api-key", "secret"], /Unknown option '--api-key'/],
    [[SHOP, "status", "--sid", "HX1"], /--sid belongs to configure/],
    [[SHOP, "configure", "--sid", "HX1", "--number", "+1", "--pod", "IN", "--form", "sms"], /--form must be one of auto, interactive, template/],
    [[SHOP, "test-send"], /Name the WhatsApp number/],
    [[SHOP, "status", "now"], /Unexpected "now"/],
  ])("GIVEN %j WHEN parsed THEN a clear error with the usage", (argv, message) => {
    const parsed = parseShopCommand(argv);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error).toMatch(message);
      expect(parsed.error).toContain("Usage: npm run shop --");
    }
  });
});
