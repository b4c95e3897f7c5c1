/**
 * `npm run audit:offline` (part of `npm test`): the committed advisory snapshot must cover
 * today's production tree, be at most SNAPSHOT_MAX_AGE_DAYS old and have every serious
 * advisory explained in SECURITY.md. `npm run audit:prod` refreshes it where the registry
 * answers.
 */
import { readFileSync } from "node:fs";
import { snapshotProblems, type AdvisorySnapshot } from "./advisory-snapshot";

export const SNAPSHOT_PATH = "security/advisory-snapshot.json";

const snapshot = JSON.parse(readFileSync(SNAPSHOT_PATH, "utf8")) as AdvisorySnapshot;
const lock = JSON.parse(readFileSync("package-lock.json", "utf8")) as Parameters<typeof snapshotProblems>[1];
const problems = snapshotProblems(snapshot, lock, readFileSync("SECURITY.md", "utf8"), new Date());
if (problems.length > 0) {
  console.log(`advisory snapshot refused (run \`npm run audit:prod\` where the registry answers, or review by hand and update ${SNAPSHOT_PATH}):`);
  for (const problem of problems) console.log(`  - ${problem}`);
  process.exit(1);
}
console.log(
  `advisory snapshot of ${snapshot.auditedAt} (${snapshot.source}) covers all ${snapshot.production.length} production packages; ${snapshot.advisories.length} advisories, every serious one explained in SECURITY.md`,
);
