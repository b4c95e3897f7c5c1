import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The multi-process scale test only (`npm run test:scale`, on PostgreSQL): not part of the
// SQLite or PostgreSQL passes of the database tests, whose configuration it leaves alone.
export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    include: ["tests/scale/**/*.scale.ts"],
    environment: "node",
    setupFiles: ["tests/setup.ts"],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
