/**
 * The full fault run: the reliability and security suites (tests/reliability, tests/security)
 * at RELIABILITY_SCALE (default 5: five times the messages, kills and hostile payloads of CI),
 * on SQLite and then PostgreSQL (TEST_POSTGRES_URL, when reachable), followed by one table of
 * the figures every run reported. Needs `npm run build` first.
 *
 *   tsx scripts/reliability-full.ts            # scale 5, both engines
 *   RELIABILITY_SCALE=10 tsx scripts/reliability-full.ts sqlite
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { postgresAdminUrl } from "../tests/helpers/database";

const scale = process.env.RELIABILITY_SCALE ?? "5";
const wanted = process.argv.slice(2);
const engines = (wanted.length ? wanted : ["sqlite", "postgresql"]).filter((e) => e === "sqlite" || e === "postgresql");

if (!existsSync("build/server.js") || !existsSync("build/worker.js")) {
  console.error("build/ is missing: run `npm run build` first.");
  process.exit(1);
}

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: postgresAdminUrl(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

interface Line {
  run: string;
  engine: string;
  [key: string]: unknown;
}

const dir = mkdtempSync(path.join(tmpdir(), "reliability-full-"));
const reportFile = path.join(dir, "figures.jsonl");
const started = Date.now();
let failed = false;

for (const engine of engines) {
  if (engine === "postgresql" && !(await postgresReachable())) {
    console.log(`PostgreSQL not reachable at ${new URL(postgresAdminUrl()).host}: its pass is skipped.`);
    if (process.env.CI === "true") failed = true;
    continue;
  }
  console.log(`\n=== ${engine}, RELIABILITY_SCALE=${scale} ===`);
  const result = spawnSync("npx", ["vitest", "run", "tests/reliability", "tests/security"], {
    stdio: "inherit",
    env: {
      ...process.env,
      RELIABILITY_SCALE: scale,
      RELIABILITY_REPORT: reportFile,
      TEST_DB: engine,
    },
  });
  if (result.status !== 0) failed = true;
}

const lines: Line[] = existsSync(reportFile)
  ? readFileSync(reportFile, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Line)
  : [];
rmSync(dir, { recursive: true, force: true });

const number = (value: unknown) => (typeof value === "number" ? value : 0);
console.log(`\n=== figures (scale ${scale}, ${Math.round((Date.now() - started) / 1000)} s) ===`);
console.log(["engine", "run", "faults", "expected", "delivered", "lost", "duplicated", "payloads/attacks"].join("\t"));
for (const line of lines) {
  console.log(
    [
      line.engine,
      line.run,
      line.faultsInjected ?? "",
      line.expected ?? "",
      line.delivered ?? "",
      line.lost ?? "",
      line.duplicated ?? "",
      line.payloads ?? line.attacks ?? "",
    ].join("\t"),
  );
}
const faultRuns = lines.filter((line) => typeof line.expected === "number");
const totals = {
  faultRuns: faultRuns.length,
  faultsInjected: faultRuns.reduce((sum, line) => sum + number(line.faultsInjected), 0),
  messagesExpected: faultRuns.reduce((sum, line) => sum + number(line.expected), 0),
  lost: faultRuns.reduce((sum, line) => sum + number(line.lost), 0),
  duplicated: faultRuns.reduce((sum, line) => sum + number(line.duplicated), 0),
  duplicatedOutsideCrashWindow: lines.reduce((sum, line) => sum + number(line.duplicatedOutsideWindow), 0),
  hostilePayloads: lines.filter((line) => line.run.startsWith("hostile")).reduce((sum, line) => sum + number(line.payloads), 0),
};
console.log(`\ntotals: ${JSON.stringify(totals)}`);
if (totals.lost > 0) failed = true;
process.exit(failed ? 1 : 0);
