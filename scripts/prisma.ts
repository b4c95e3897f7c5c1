/**
 * Prisma's CLI without its native engines (see README, "Database").
 *
 *   tsx scripts/prisma.ts generate          derive the PostgreSQL schema, generate both clients,
 *                                           the query layer's table types and its column types
 *   tsx scripts/prisma.ts migration <name>  write a new migration for SQLite and PostgreSQL
 *   tsx scripts/prisma.ts sql <provider>    print the SQL that creates the models from nothing
 *
 * The CLI insists that its native engine files exist even for the commands that run on the
 * WebAssembly engine; they are pointed at a placeholder that is never executed.
 */
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { DatabaseProvider } from "../app/db/provider";
import { MIGRATION_DIRS } from "../app/db/migrate.server";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const GENERATED = path.join(root, "prisma", "generated");
export const SCHEMA = path.join(root, "prisma", "schema.prisma");
export const POSTGRES_SCHEMA = path.join(GENERATED, "postgresql.prisma");
/** The models as of the newest migration, the starting point of the next one. */
export const MIGRATED_SCHEMA = path.join(root, "prisma", "schema.migrated.prisma");
/** Generated from the models for the query layer (app/db/kysely.server.ts); not committed. */
const QUERY_TYPES = path.join(root, "app", "db", "generated");

/**
 * The PostgreSQL schema is the SQLite one with another provider and its own client output.
 * The query layer's types are generated once, from the SQLite schema: the models are the same.
 */
export function derivePostgresSchema(sqliteSchema: string): string {
  const provider = /provider\s*=\s*"sqlite"/;
  if (!provider.test(sqliteSchema)) throw new Error("schema.prisma must use the sqlite provider");
  return (
    "// Generated from prisma/schema.prisma by scripts/prisma.ts. Do not edit.\n" +
    sqliteSchema
      .replace(/^generator kysely \{[^}]*\}\n/m, "")
      .replace(provider, 'provider = "postgresql"')
      .replace(
        /provider\s*=\s*"prisma-client-js"/,
        'provider   = "prisma-client-js"\n  output     = "../../node_modules/.prisma/client-postgresql"',
      )
  );
}

function writePostgresSchema(from = SCHEMA, to = POSTGRES_SCHEMA): string {
  mkdirSync(path.dirname(to), { recursive: true });
  writeFileSync(to, derivePostgresSchema(readFileSync(from, "utf8")));
  return to;
}

function prisma(args: string[]): string {
  mkdirSync(GENERATED, { recursive: true });
  const placeholder = path.join(GENERATED, "native-engine-placeholder");
  if (!existsSync(placeholder)) writeFileSync(placeholder, "");
  return execFileSync(path.join(root, "node_modules", ".bin", "prisma"), args, {
    cwd: root,
    encoding: "utf8",
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: placeholder,
      PRISMA_QUERY_ENGINE_LIBRARY: placeholder,
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
      CHECKPOINT_DISABLE: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function schemaFor(provider: DatabaseProvider, sqliteSchema = SCHEMA): string {
  if (provider === "sqlite") return sqliteSchema;
  const target = path.join(GENERATED, `postgresql-from-${path.basename(path.dirname(sqliteSchema))}-${path.basename(sqliteSchema)}`);
  return writePostgresSchema(sqliteSchema, target);
}

/** SQL that takes an empty database (or the `from` models) to the models (or `to`). */
export function diffSql(provider: DatabaseProvider, from?: string, to: string = SCHEMA): string {
  const fromArgs = from
    ? ["--from-schema-datamodel", schemaFor(provider, from)]
    : ["--from-empty"];
  return prisma([
    "migrate",
    "diff",
    ...fromArgs,
    "--to-schema-datamodel",
    schemaFor(provider, to),
    "--script",
  ]);
}

interface ModelField {
  name: string;
  kind: string;
  type: string;
}

/**
 * The columns whose values SQLite cannot type (it stores dates as text and booleans as
 * integers), by name across all models, so the SQL handle returns Date and boolean on both
 * engines. A name that means a date in one model and something else in another would make
 * the by-name conversion wrong, so generation refuses it.
 */
export function columnTypesSource(models: ReadonlyArray<{ name: string; fields: readonly ModelField[] }>): string {
  const typeOf = new Map<string, { type: string; model: string }>();
  for (const model of models) {
    for (const field of model.fields) {
      if (field.kind !== "scalar") continue;
      const seen = typeOf.get(field.name);
      const converted = (type: string) => type === "DateTime" || type === "Boolean";
      if (seen && seen.type !== field.type && (converted(seen.type) || converted(field.type))) {
        throw new Error(
          `column ${field.name} is ${seen.type} in ${seen.model} but ${field.type} in ${model.name}: give one of them another name`,
        );
      }
      typeOf.set(field.name, { type: field.type, model: model.name });
    }
  }
  const names = (type: string) =>
    [...typeOf].filter(([, column]) => column.type === type).map(([name]) => JSON.stringify(name)).sort();
  return [
    "// Generated from prisma/schema.prisma by scripts/prisma.ts. Do not edit.",
    "",
    "/** Columns that hold a DateTime in some model (SQLite stores them as text). */",
    `export const DATE_TIME_COLUMNS: ReadonlySet<string> = new Set([${names("DateTime").join(", ")}]);`,
    "",
    "/** Columns that hold a Boolean in some model (SQLite stores them as 0 or 1). */",
    `export const BOOLEAN_COLUMNS: ReadonlySet<string> = new Set([${names("Boolean").join(", ")}]);`,
    "",
  ].join("\n");
}

function writeColumnTypes(): void {
  // The client just generated from schema.prisma carries its models.
  const client = createRequire(path.join(root, "package.json"))(".prisma/client") as {
    Prisma: { dmmf: { datamodel: { models: Array<{ name: string; fields: ModelField[] }> } } };
  };
  mkdirSync(QUERY_TYPES, { recursive: true });
  writeFileSync(path.join(QUERY_TYPES, "columns.ts"), columnTypesSource(client.Prisma.dmmf.datamodel.models));
}

function generate(): void {
  writePostgresSchema();
  prisma(["generate", "--schema", SCHEMA]);
  prisma(["generate", "--schema", POSTGRES_SCHEMA]);
  writeColumnTypes();
  process.stdout.write("generated Prisma clients for sqlite and postgresql, and the query layer's types\n");
}

function newMigration(name: string): void {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error("migration name: lower-case letters, digits, _");
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const from = existsSync(MIGRATED_SCHEMA) ? MIGRATED_SCHEMA : undefined;
  for (const provider of ["sqlite", "postgresql"] as const) {
    const sql = diffSql(provider, from);
    if (!/\S/.test(sql.replace(/^--.*$/gm, ""))) {
      process.stdout.write(`${provider}: no changes\n`);
      continue;
    }
    const dir = path.join(root, MIGRATION_DIRS[provider], `${stamp}_${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "migration.sql"), sql);
    writeFileSync(
      path.join(root, MIGRATION_DIRS[provider], "migration_lock.toml"),
      `# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "${provider}"\n`,
    );
    process.stdout.write(`${provider}: ${path.relative(root, dir)}\n`);
  }
  copyFileSync(SCHEMA, MIGRATED_SCHEMA);
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const [command, arg] = process.argv.slice(2);
  if (command === "generate") generate();
  else if (command === "migration" && arg) newMigration(arg);
  else if (command === "sql" && (arg === "sqlite" || arg === "postgresql"))
    process.stdout.write(diffSql(arg));
  else {
    process.stderr.write("usage: tsx scripts/prisma.ts generate | migration <name> | sql <provider>\n");
    process.exit(2);
  }
}
