/**
 * The database tests (`*.db.test.ts`) again, on PostgreSQL. Each test file creates its own
 * database on TEST_POSTGRES_URL's server and drops it afterwards. Without a reachable server
 * this says so in one line and passes, except in CI (CI=true), where it fails.
 */
import { spawnSync } from "node:child_process";
import pg from "pg";
import { postgresAdminUrl } from "../tests/helpers/database";

const admin = postgresAdminUrl();
const client = new pg.Client({ connectionString: admin, connectionTimeoutMillis: 3000 });
try {
  await client.connect();
  await client.end();
} catch (error) {
  const where = new URL(admin).host;
  if (process.env.CI === "true") {
    console.error(`PostgreSQL is not reachable at ${where} (${String(error)}); CI needs it.`);
    process.exit(1);
  }
  console.log(`PostgreSQL not reachable at ${where}: the PostgreSQL pass of the database tests is skipped.`);
  process.exit(0);
}

console.log(`Database tests on PostgreSQL (${new URL(admin).host})`);
const result = spawnSync("npx", ["vitest", "run", "--dir", ".", ".db.test.ts", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, TEST_DB: "postgresql" },
});
process.exit(result.status ?? 1);
