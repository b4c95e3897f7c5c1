/**
 * `npm run test:scale`: the multi-process test (tests/scale/*.scale.ts) on PostgreSQL, against
 * the production build (run `npm run build` first; `npm test` does). Like the PostgreSQL pass
 * of the database tests, it says so in one line and passes when no PostgreSQL server is
 * reachable, except in CI (CI=true), where it fails.
 */
import { spawnSync } from "node:child_process";
import { requirePostgresOrExit } from "../helpers/database";

await requirePostgresOrExit("the multi-process scale test");

const result = spawnSync("npx", ["vitest", "run", "--config", "tests/scale/vitest.config.ts", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, TEST_DB: "postgresql" },
});
process.exit(result.status ?? 1);
