/**
 * `npm run audit:prod`: `npm audit --omit=dev`, failing when a high or critical advisory in
 * what production installs is not explained in SECURITY.md ("Advisories" section, by advisory
 * id; see audit-report.ts). When the audit cannot run (the registry refuses the advisory
 * endpoint, no network) it says NOT RUN and fails: a check that was not made never passes.
 * With `--write-snapshot`, a passing audit is written to security/advisory-snapshot.json for
 * `npm run audit:offline`.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { productionPackages, type AdvisorySnapshot, type SnapshotAdvisory } from "./advisory-snapshot";
import { unexplainedAdvisories, type AuditJson } from "./audit-report";

let raw = "";
try {
  raw = execFileSync("npm", ["audit", "--omit=dev", "--json"], { encoding: "utf8", timeout: 90_000, maxBuffer: 32 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] });
} catch (error) {
  // npm audit exits non-zero when it finds advisories; its JSON is still on stdout.
  raw = String((error as { stdout?: string }).stdout ?? "");
}
let json: AuditJson | undefined;
try {
  json = JSON.parse(raw) as AuditJson;
} catch {
  json = undefined;
}
if (!json || json.statusCode || json.error || !json.metadata) {
  console.log(`npm audit NOT RUN: ${json?.message ?? (raw.slice(0, 200) || "no answer")}`);
  console.log("(`npm run audit:offline` checks the committed advisory snapshot instead)");
  process.exit(1);
}
const unexplained = unexplainedAdvisories(json, readFileSync("SECURITY.md", "utf8"));
console.log(`npm audit --omit=dev: ${JSON.stringify(json.metadata.vulnerabilities)}; unexplained high/critical: ${unexplained.length}`);
for (const { name, severity } of unexplained) console.log(`  ${name} (${severity})`);
if (unexplained.length === 0 && process.argv.includes("--write-snapshot")) writeSnapshot(json);
process.exit(unexplained.length > 0 ? 1 : 0);

function writeSnapshot(audit: AuditJson): void {
  const production = productionPackages(JSON.parse(readFileSync("package-lock.json", "utf8")) as Parameters<typeof productionPackages>[0]);
  const versionOf = (name: string) => production.find((p) => p.slice(0, p.lastIndexOf("@")) === name)?.slice(name.length + 1) ?? "";
  const advisories: SnapshotAdvisory[] = [];
  for (const [name, entry] of Object.entries(audit.vulnerabilities ?? {})) {
    for (const via of entry.via) {
      if (typeof via === "string" || !via.url) continue;
      const severity = (via.severity ?? "high") as SnapshotAdvisory["severity"];
      advisories.push({ package: name, version: versionOf(name), id: via.url.split("/").pop() ?? "", severity });
    }
  }
  const snapshot: AdvisorySnapshot = { auditedAt: new Date().toISOString().slice(0, 10), source: "npm audit --omit=dev", production, advisories };
  writeFileSync("security/advisory-snapshot.json", `${JSON.stringify(snapshot, null, 2)}\n`);
  console.log("wrote security/advisory-snapshot.json");
}
