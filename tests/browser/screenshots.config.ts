import { defineConfig } from "vitest/config";

/**
 * `npm run screenshots`: writes the README's screenshots (docs/screenshots) from the
 * production build, with the same pipeline and Chromium as the browser tests. Not part of
 * `npm run test:browser`, so running the tests never changes the work tree.
 */
export default defineConfig({
  test: {
    root: new URL("../..", import.meta.url).pathname,
    // The preview's own test and the extension blocks' draw the README's pictures of them when SCREENSHOTS is set.
    include: [
      "tests/browser/screenshots.shots.ts",
      "tests/browser/preview.test.ts",
      "tests/browser/extensions/order-block.test.ts",
      "tests/browser/extensions/opt-in.test.ts",
    ],
    environment: "node",
    setupFiles: ["tests/setup.ts"],
    env: { ADMIN_PREVIEW_SHOP: "preview-shop.myshopify.com", SCREENSHOTS: "1" },
    pool: "forks",
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
