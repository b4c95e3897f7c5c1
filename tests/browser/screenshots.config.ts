import { defineConfig } from "vitest/config";

/**
 * `npm run screenshots`: writes the README's screenshots (docs/screenshots) from the
 * production build, with the same pipeline and Chromium as the browser tests. Not part of
 * `npm run test:browser`, so running the tests never changes the work tree.
 */
export default defineConfig({
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["tests/browser/screenshots.shots.ts"],
    environment: "node",
    setupFiles: ["tests/setup.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
