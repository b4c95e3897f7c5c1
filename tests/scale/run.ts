/**
 * `npm run test:scale`: the multi-process test (tests/scale/*.scale.ts) on PostgreSQL, against
 * the production build (run `npm run build` first; `npm test` does). Like the PostgreSQL pass
 * of the database tests, it says so in one line and passes when no PostgreSQL server is
 * reachable, except in CI (CI=true), where it fails.
 */
import { spawnSync } from "node:child_process";
import pg from "pg";
import { postgresAdminUrl } from "../helpers/database";

const admin = postgresAdminUrl();
const client = new pg.Client({ connectionString: admin, connectionTimeoutMillis: 3000 });
try {
  await client.connect();
  await client.end();
} catch (error) {
  const where = new URL(admin).host;
  if (process.env.CI === "true") {
    process.stderr.write(`PostgreSQL is not reachable at ${where} (${String(error)}); CI needs it.\n`);
    process.exit(1);
  }
  process.stdout.write(`PostgreSQL not reachable at ${where}: the multi-process scale test is skipped.\n`);
  process.exit(0);
}

const result = spawnSync("npx", ["vitest", "run", "--config", "tests/scale/vitest.config.ts", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, TEST_DB: "postgresql" },
});
process.exit(result.status ?? 1);
