import { describe, expect, it } from "vitest";
import { PODS, isPod, kaleyraBaseUrl, podDomain } from "./pods";

describe("Given Kaleyra's pod table", () => {
  it("When asked for each pod's domain, Then it returns the seed document's host", () => {
    expect(PODS.map((p) => podDomain(p))).toEqual([
      "api.in.kaleyra.io",
      "api.ap.kaleyra.io",
      "api.eu.kaleyra.io",
      "api.na.kaleyra.io",
    ]);
  });

  it("When no override is given, Then the base URL is https://<domain>", () => {
    expect(kaleyraBaseUrl("SG")).toBe("https://api.ap.kaleyra.io");
    expect(kaleyraBaseUrl("EU", "  ")).toBe("https://api.eu.kaleyra.io");
  });

  it("When an override is given, Then it wins, without a trailing slash", () => {
    expect(kaleyraBaseUrl("IN", "http://127.0.0.1:4010/")).toBe("http://127.0.0.1:4010");
  });

  it("When the override is not an http(s) URL, Then it throws", () => {
    expect(() => kaleyraBaseUrl("IN", "not a url")).toThrow();
    expect(() => kaleyraBaseUrl("IN", "ftp://example.com")).toThrow(/http/);
  });

  it("When checking pod names, Then only the four pods pass", () => {
    expect(["IN", "SG", "EU", "NA", "in", "AP", ""].map(isPod)).toEqual([true, true, true, true, false, false, false]);
  });
});
