import { describe, expect, it } from "vitest";
import { afterLoad, afterSave, blockView, INITIAL, orderIdOf, shownNumber, whileSaving, wordingShown, type Answer } from "./opt-in";

const ON: Answer = { kind: "state", state: { on: true, consent: "opted_in", pending: false } };
const OFF: Answer = { kind: "state", state: { on: false, consent: null, pending: false } };
const FAILED: Answer = { kind: "failed" };
const view = (state: typeof INITIAL) => blockView(state, "Sunrise Teas", "+91 98123 45601");

describe("the number and order the page shows", () => {
  it("GIVEN the checkout's contact phone and addresses WHEN the number is chosen THEN the contact phone wins, then billing, then shipping, with its country", () => {
    expect(shownNumber("+91 98123 45601", { phone: "+1 502 555 0147", countryCode: "US" }, undefined)).toEqual({ phone: "+91 98123 45601", country: "US" });
    expect(shownNumber("  ", { phone: "(502) 555-0147", countryCode: "US" }, { phone: "+44 7400 123456", countryCode: "GB" })).toEqual({ phone: "(502) 555-0147", country: "US" });
    expect(shownNumber(undefined, { phone: null, countryCode: "US" }, { phone: "07400 123456", countryCode: "GB" })).toEqual({ phone: "07400 123456", country: "GB" });
  });

  it("GIVEN no phone anywhere WHEN the number is chosen THEN there is none (the block stays hidden)", () => {
    expect(shownNumber(undefined, undefined, { phone: "", countryCode: "US" })).toBeNull();
  });

  it("GIVEN the pages' order gids WHEN read THEN the numeric id", () => {
    expect(orderIdOf("gid://shopify/OrderIdentity/5551234")).toBe("5551234");
    expect(orderIdOf("gid://shopify/Order/5551234")).toBe("5551234");
    expect(orderIdOf(undefined)).toBeNull();
  });
});

describe("the wording", () => {
  it("GIVEN the shop and number WHEN worded THEN it names WhatsApp, the shop, the number and how to stop", () => {
    const wording = wordingShown("Sunrise Teas", "+91 98123 45601");
    expect(wording).toMatch(/^Get order updates on WhatsApp: /);
    for (const part of ["Sunrise Teas", "+91 98123 45601", "WhatsApp", "STOP"]) expect(wording).toContain(part);
    expect(wording.length).toBeLessThanOrEqual(500);
  });
});

describe("the block's states", () => {
  it("GIVEN the first request WHEN it is under way THEN the box is disabled and unticked", () => {
    expect(view(INITIAL)).toMatchObject({ hidden: false, checked: false, disabled: true, error: null });
  });

  it("GIVEN the app's answer WHEN the shopper is in or out THEN the box shows it and can be changed", () => {
    expect(view(afterLoad(INITIAL, ON))).toMatchObject({ checked: true, disabled: false, error: null });
    expect(view(afterLoad(INITIAL, OFF))).toMatchObject({ checked: false, disabled: false, error: null });
  });

  it("GIVEN an order or number the app will not write to WHEN answered THEN the block is hidden", () => {
    expect(view(afterLoad(INITIAL, { kind: "not_offered" })).hidden).toBe(true);
  });

  it("GIVEN the first request failed WHEN shown THEN an error with Try again, and the box cannot be used", () => {
    expect(view(afterLoad(INITIAL, FAILED))).toMatchObject({ disabled: true, error: expect.stringContaining("could not be loaded") });
  });

  it("GIVEN a tick WHEN it is saved THEN the box shows it at once, disabled, then the app's answer", () => {
    const ready = afterLoad(INITIAL, OFF);
    const saving = whileSaving(ready, "opted_in");
    expect(view(saving)).toMatchObject({ checked: true, disabled: true, status: "Saving…" });
    expect(view(afterSave(ready, "opted_in", ON))).toMatchObject({ checked: true, disabled: false, status: null });
  });

  it("GIVEN a save that failed WHEN shown THEN the box goes back, the error offers Try again for that choice", () => {
    const ready = afterLoad(INITIAL, OFF);
    const failed = afterSave(ready, "opted_in", FAILED);
    expect(failed.failed).toEqual({ kind: "save", choice: "opted_in" });
    expect(view(failed)).toMatchObject({ checked: false, disabled: false, error: expect.stringContaining("could not be saved") });
  });
});
