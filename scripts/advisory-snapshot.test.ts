import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { productionPackages, snapshotProblems, SNAPSHOT_MAX_AGE_DAYS, type AdvisorySnapshot } from "./advisory-snapshot";

const LOCK = {
  packages: {
    "": { version: "0.1.0" },
    "node_modules/zod": { version: "4.1.0" },
    "node_modules/vitest": { version: "3.2.4", dev: true },
    "node_modules/a/node_modules/turbo-stream": { version: "2.4.1" },
  },
};
const SECURITY = "# Security\n\n## Advisories\n\nturbo-stream: GHSA-rxv8-25v2-qmq8 is accepted because...\n\n## Other\n";
const TODAY = new Date("2026-12-01T12:00:00Z");

function snapshot(changes: Partial<AdvisorySnapshot> = {}): AdvisorySnapshot {
  return {
    auditedAt: "2026-11-28",
    source: "npm audit --omit=dev",
    production: ["turbo-stream@2.4.1", "zod@4.1.0"],
    advisories: [{ package: "turbo-stream", version: "2.4.1", id: "GHSA-rxv8-25v2-qmq8", severity: "high" }],
    ...changes,
  };
}

describe("the offline advisory check", () => {
  it("GIVEN a lockfile WHEN its production tree is listed THEN dev packages and the root are left out", () => {
    expect(productionPackages(LOCK)).toEqual(["turbo-stream@2.4.1", "zod@4.1.0"]);
  });

  it("GIVEN a recent snapshot of this tree with its serious advisories explained THEN it stands for an audit", () => {
    expect(snapshotProblems(snapshot(), LOCK, SECURITY, TODAY)).toEqual([]);
  });

  it("GIVEN a production package upgraded since the snapshot THEN it is refused, naming the package", () => {
    const lock = { packages: { ...LOCK.packages, "node_modules/zod": { version: "4.2.0" } } };
    expect(snapshotProblems(snapshot(), lock, SECURITY, TODAY)).toEqual([expect.stringContaining("did not audit: zod@4.2.0")]);
  });

  it(`GIVEN a snapshot older than ${SNAPSHOT_MAX_AGE_DAYS} days or with no date THEN it is refused`, () => {
    expect(snapshotProblems(snapshot({ auditedAt: "2026-08-01" }), LOCK, SECURITY, TODAY)).toEqual([expect.stringContaining("122 days old")]);
    expect(snapshotProblems(snapshot({ auditedAt: "soon" }), LOCK, SECURITY, TODAY)).toEqual([expect.stringContaining("not a date")]);
  });

  it("GIVEN a high advisory that SECURITY.md does not explain THEN it is refused; a moderate one is not", () => {
    const advisories = [
      { package: "zod", version: "4.1.0", id: "GHSA-aaaa-bbbb-cccc", severity: "critical" as const },
      { package: "zod", version: "4.1.0", id: "GHSA-dddd-eeee-ffff", severity: "moderate" as const },
    ];
    expect(snapshotProblems(snapshot({ advisories }), LOCK, SECURITY, TODAY)).toEqual([
      "zod@4.1.0: critical advisory GHSA-aaaa-bbbb-cccc is not explained in SECURITY.md",
    ]);
  });

  it("GIVEN the committed snapshot THEN it covers this repository's lockfile and SECURITY.md explains its serious advisories", () => {
    const committed = JSON.parse(readFileSync("security/advisory-snapshot.json", "utf8")) as AdvisorySnapshot;
    const lock = JSON.parse(readFileSync("package-lock.json", "utf8")) as typeof LOCK;
    const problems = snapshotProblems(committed, lock, readFileSync("SECURITY.md", "utf8"), new Date(`${committed.auditedAt}T12:00:00Z`));
    expect(problems).toEqual([]);
  });
});

describe("npm run audit:prod", () => {
  it("GIVEN a registry that refuses the advisory endpoint (405) WHEN the audit runs THEN it says NOT RUN and fails", async () => {
    const requests: string[] = [];
    const registry = createServer((request, response) => {
      requests.push(`${request.method} ${request.url}`);
      response.writeHead(405, { allow: "GET,HEAD" }).end();
    });
    await new Promise<void>((resolve) => registry.listen(0, "127.0.0.1", resolve));
    const port = (registry.address() as AddressInfo).port;
    try {
      const child = spawn("npx", ["tsx", "scripts/audit-production.ts"], {
        env: { ...process.env, npm_config_registry: `http://127.0.0.1:${port}/`, npm_config_fetch_retries: "0" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      expect(out).toContain("npm audit NOT RUN");
      expect(code).toBe(1);
      expect(requests.some((r) => r.startsWith("POST /-/npm/v1/security/"))).toBe(true);
    } finally {
      registry.close();
    }
  }, 120_000);
});
