import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  // Extension bundles are built, and their shopify.d.ts is written as Shopify CLI generates it.
  { ignores: ["build/", ".cache/", "node_modules/", "prisma/generated/", "app/db/generated/", "coverage/", "public/build/", "tmp/", "extensions/*/dist/", "extensions/*/shopify.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // Logs go through pino; the console is for command-line scripts only.
      "no-console": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  {
    files: ["scripts/**", "sandbox/cli.ts", "bench/**"],
    rules: { "no-console": "off" },
  },
);
