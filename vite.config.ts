import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

// Vitest loads this file too; the Remix plugin only belongs to the app build.
const isTest = Boolean(process.env.VITEST);

export default defineConfig({
  server: {
    port: Number(process.env.PORT || 3000),
    hmr: { overlay: false },
    fs: { allow: ["app", "node_modules"] },
  },
  plugins: [
    !isTest &&
      remix({
        ignoredRouteFiles: ["**/.*", "**/*.test.ts", "**/*.test.tsx"],
        future: {
          v3_fetcherPersist: true,
          v3_relativeSplatPath: true,
          v3_throwAbortReason: true,
          // Both stay off for security (SECURITY.md, Advisories): single fetch is what exposes
          // Remix 2's turbo-stream DoS (GHSA-rxv8-25v2-qmq8), and lazy route discovery serves
          // /__manifest (GHSA-8x6r-g9mw-2r78). The admin's few routes gain nothing from it.
          v3_lazyRouteDiscovery: false,
          v3_singleFetch: false,
        },
      }),
    tsconfigPaths(),
  ],
  build: { assetsInlineLimit: 0 },
  optimizeDeps: { include: ["@shopify/app-bridge-react", "@shopify/polaris"] },
  test: {
    include: ["app/**/*.test.ts", "sandbox/**/*.test.ts", "tests/**/*.test.ts", "scripts/**/*.test.ts", "extensions/*/src/**/*.test.ts"],
    exclude: ["tests/browser/**", "node_modules/**"],
    environment: "node",
    setupFiles: ["tests/setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: "forks",
    // Vitest's default is one fork per core but one: a single file at a time on a 2-core
    // machine. Most files wait on child processes, HTTP and databases, not the CPU.
    maxWorkers: 3,
  },
});
