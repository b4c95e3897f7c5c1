/**
 * `npm run audit:prod`: `npm audit --omit=dev`, failing when a high or critical advisory in
 * what production installs is not explained in SECURITY.md ("Advisories" section, by advisory
 * id; see audit-report.ts). When the registry refuses the advisory endpoint (some mirrors do), it
 * says so and exits 0: there is nothing to judge.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { unexplainedAdvisories, type AuditJson } from "./audit-report";

let raw = "";
try {
  raw = execFileSync("npm", ["audit", "--omit=dev", "--json"], { encoding: "utf8", timeout: 90_000, maxBuffer: 32 * 1024 * 1024 });
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
  console.log(`npm audit unavailable here: ${json?.message ?? (raw.slice(0, 200) || "no answer")}`);
  process.exit(0);
}
const unexplained = unexplainedAdvisories(json, readFileSync("SECURITY.md", "utf8"));
console.log(`npm audit --omit=dev: ${JSON.stringify(json.metadata.vulnerabilities)}; unexplained high/critical: ${unexplained.length}`);
for (const { name, severity } of unexplained) console.log(`  ${name} (${severity})`);
process.exit(unexplained.length > 0 ? 1 : 0);
