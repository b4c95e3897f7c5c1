import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { defineConfig } from "prisma/config";

// The Prisma CLI is used here only for `generate` and `migrate diff` (see scripts/prisma.ts).
// Its WebAssembly schema engine runs through a driver adapter, so no native engine has to be
// downloaded; a throwaway in-memory SQLite database is all it needs.
export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => new PrismaBetterSQLite3({ url: ":memory:" }),
});
