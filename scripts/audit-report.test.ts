import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { advisoriesSection, unexplainedAdvisories, type AuditJson } from "./audit-report";

const SECURITY_MD = readFileSync("SECURITY.md", "utf8");
const TURBO_STREAM = "https://github.com/advisories/GHSA-rxv8-25v2-qmq8";

/** What `npm audit --omit=dev --json` reports for Remix 2.17's pinned turbo-stream (abridged). */
function remixChain(): AuditJson {
  return {
    metadata: { vulnerabilities: { high: 6 } },
    vulnerabilities: {
      "turbo-stream": { severity: "high", via: [{ name: "turbo-stream", url: TURBO_STREAM, severity: "high" }] },
      "@remix-run/server-runtime": { severity: "high", via: ["turbo-stream"] },
      "@remix-run/react": { severity: "high", via: ["@remix-run/server-runtime", "turbo-stream"] },
      "@remix-run/node": { severity: "high", via: ["@remix-run/server-runtime"] },
      "@remix-run/express": { severity: "high", via: ["@remix-run/node"] },
      "@shopify/shopify-app-remix": { severity: "high", via: ["@remix-run/node", "@remix-run/react", "@remix-run/server-runtime"] },
    },
  };
}

describe("judging npm audit against SECURITY.md", () => {
  it("GIVEN the advisories SECURITY.md explains and the packages listed through them WHEN judged THEN none is unexplained", () => {
    expect(advisoriesSection(SECURITY_MD)).toContain("GHSA-rxv8-25v2-qmq8");
    expect(unexplainedAdvisories(remixChain(), SECURITY_MD)).toEqual([]);
  });

  it("GIVEN a new high advisory on a package whose older one is explained WHEN judged THEN it and every package through it are named", () => {
    const audit = remixChain();
    audit.vulnerabilities!["turbo-stream"]!.via.push({ url: "https://github.com/advisories/GHSA-0000-0000-0000", severity: "high" });
    expect(unexplainedAdvisories(audit, SECURITY_MD).map((entry) => entry.name).sort()).toEqual(
      Object.keys(remixChain().vulnerabilities!).sort(),
    );
  });

  it("GIVEN a critical advisory nobody explained and a moderate one WHEN judged THEN only the critical one fails", () => {
    const audit = remixChain();
    audit.vulnerabilities!.express = { severity: "critical", via: [{ url: "https://github.com/advisories/GHSA-1111-1111-1111", severity: "critical" }] };
    audit.vulnerabilities!["react-router-dom"] = { severity: "moderate", via: [{ url: "https://github.com/advisories/GHSA-2222-2222-2222", severity: "moderate" }] };
    expect(unexplainedAdvisories(audit, SECURITY_MD)).toEqual([{ name: "express", severity: "critical" }]);
  });

  it("GIVEN packages listed only through each other WHEN judged THEN the cycle explains nothing and the judgement ends", () => {
    const audit: AuditJson = {
      vulnerabilities: { a: { severity: "high", via: ["b"] }, b: { severity: "high", via: ["a"] } },
    };
    expect(unexplainedAdvisories(audit, SECURITY_MD).map((entry) => entry.name)).toEqual(["a", "b"]);
  });

  it("GIVEN an advisory id that appears elsewhere in SECURITY.md but not under Advisories WHEN judged THEN it is not explained", () => {
    const text = "## Promises\nGHSA-rxv8-25v2-qmq8 is mentioned here.\n\n## Advisories\nNone.\n\n## Later\nGHSA-rxv8-25v2-qmq8\n";
    expect(unexplainedAdvisories(remixChain(), text)).toHaveLength(6);
  });
});
