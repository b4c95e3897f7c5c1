import path from "node:path";

export type DatabaseProvider = "sqlite" | "postgresql";

/** `file:` selects SQLite (the embedded default); `postgres(ql)://` selects PostgreSQL. */
export function databaseProvider(url: string): DatabaseProvider {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgresql";
  throw new Error("DATABASE_URL must start with file: or postgresql://");
}

/** The SQLite file a `file:` URL names, resolved against the working directory. */
export function sqliteFilePath(url: string): string {
  const withoutScheme = url.replace(/^file:/, "").replace(/\?.*$/, "");
  return withoutScheme === ":memory:" ? withoutScheme : path.resolve(withoutScheme);
}
