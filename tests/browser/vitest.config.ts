import { defineConfig } from "vitest/config";

/**
 * The browser tests: Debian's Chromium against the production build (run `npm run build`
 * first), with a real database, the delivery worker and the Kaleyra sandbox in-process.
 * One file at a time: they share the machine's two cores with the browser. The pages open
 * through the app's admin preview (development only), as `npm run preview` opens them.
 */
export default defineConfig({
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["tests/browser/**/*.test.ts"],
    environment: "node",
    setupFiles: ["tests/setup.ts"],
    env: { ADMIN_PREVIEW_SHOP: "preview-shop.myshopify.com" },
    pool: "forks",
    fileParallelism: false,
    // A test is a merchant's whole errand (several page loads, saves, a delivery): on two busy
    // cores a long one took over 30 s. Each wait inside stays at 15 s (support/browser.ts), so a
    // wait that never ends still fails with what it waited for.
    testTimeout: 90_000,
    hookTimeout: 60_000,
  },
});
