/**
 * The database tests (`*.db.test.ts`) again, on PostgreSQL. Each test file creates its own
 * database on TEST_POSTGRES_URL's server and drops it afterwards. Without a reachable server
 * this says so in one line and passes, except in CI (CI=true), where it fails.
 */
import { spawnSync } from "node:child_process";
import { requirePostgresOrExit } from "../tests/helpers/database";

const where = await requirePostgresOrExit("the PostgreSQL pass of the database tests");
console.log(`Database tests on PostgreSQL (${where})`);
const result = spawnSync("npx", ["vitest", "run", "--dir", ".", ".db.test.ts", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, TEST_DB: "postgresql" },
});
process.exit(result.status ?? 1);
