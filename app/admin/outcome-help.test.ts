import { describe, expect, it } from "vitest";
import { OUTCOME_HELP, OUTCOME_KEYS } from "../kaleyra/outcome";
import { fixFor, kaleyraWords, storedOutcomeHelp, storedOutcomeKey } from "./outcome-help";

describe("help for a stored outcome", () => {
  it.each(OUTCOME_KEYS)("GIVEN %s stored as the outbox stores it WHEN read back THEN the same class is found", (key) => {
    const kind = key.split(":")[0] ?? key;
    const detail = `${OUTCOME_HELP[key].title}. Kaleyra's own words`;
    expect(storedOutcomeKey({ kind, code: null, detail })).toBe(key);
    expect(kaleyraWords({ kind, code: null, detail })).toBe("Kaleyra's own words");
  });

  it("GIVEN a detail without the title WHEN read THEN Kaleyra's code decides and the words are kept whole", () => {
    const stored = { kind: "config_error", code: "WA401", detail: "Phone number is not present" };
    expect(storedOutcomeHelp(stored)).toBe(OUTCOME_HELP["config_error:number_not_in_account"]);
    expect(kaleyraWords(stored)).toBe("Phone number is not present");
  });

  it("GIVEN only a kind WHEN read THEN its first class explains it; no kind explains nothing", () => {
    expect(storedOutcomeKey({ kind: "rejected", code: "XYZ", detail: null })).toBe("rejected:payload");
    expect(storedOutcomeKey({ kind: null, code: "RBC001", detail: "x" })).toBeNull();
    expect(kaleyraWords({ kind: "accepted", code: "WA202", detail: null })).toBeNull();
  });
});

describe("fixFor", () => {
  it("GIVEN each stored outcome WHEN a failed message is shown THEN only what a retry cannot cure points to a fix", () => {
    expect(fixFor("rejected:payload", "shipped")).toEqual({ label: "Edit the “Shipped” template", url: "/app/templates#template-shipped" });
    expect(fixFor("invalid", "processing")?.url).toBe("/app/templates#template-processing");
    expect(fixFor("config_error:credentials", "shipped")).toEqual({ label: "Check Settings", url: "/app/settings" });
    expect(fixFor("retry:server_error", "shipped")).toBeNull();
    expect(fixFor("rejected:unknown", "shipped")).toBeNull();
    expect(fixFor(null, "shipped")).toBeNull();
  });
});
