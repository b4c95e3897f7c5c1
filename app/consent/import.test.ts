import { describe, expect, it } from "vitest";
import { parseConsentImport } from "./import";

describe("importing consents a shop already holds", () => {
  it("GIVEN a header, blank lines and the accepted spellings WHEN parsed THEN each shopper's consent and wording", () => {
    const read = parseConsentImport("phone,consent,wording\n+91 98123 45678,opted_in,Ticked at checkout, 2026-11-02\n\n+15025550147,OUT\n+447400123456,yes\n");
    expect(read).toEqual({
      ok: true,
      rows: [
        { phone: "+919812345678", consent: "opted_in", wording: "Ticked at checkout, 2026-11-02" },
        { phone: "+15025550147", consent: "opted_out", wording: null },
        { phone: "+447400123456", consent: "opted_in", wording: null },
      ],
    });
  });

  it("GIVEN bad lines WHEN parsed THEN every one is named by its line and nothing is imported", () => {
    const read = parseConsentImport("+919812345678,opted_in\n98123 45678,opted_in\n+919812345679,maybe");
    expect(read).toEqual({ ok: false, errors: [expect.stringMatching(/^line 2: .*country code/), expect.stringMatching(/^line 3: "maybe"/)] });
  });

  it("GIVEN an empty input WHEN parsed THEN it says what a line looks like", () => {
    expect(parseConsentImport("\n")).toEqual({ ok: false, errors: [expect.stringContaining("phone,opted_in|opted_out")] });
  });
});
