import { createRequire } from "node:module";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type { PrismaClient } from "@prisma/client";
import { databaseProvider, sqliteFilePath, type DatabaseProvider } from "./provider";
import pg from "pg";
import { listenForConnectionErrors, sqliteProcessLock } from "./sql.server";

export type { PrismaClient };

// Both generated clients are loaded by module name at run time, not bundled: Prisma's
// generated code finds its WebAssembly query compiler beside itself.
const requireFromProject = createRequire(path.join(process.cwd(), "package.json"));

type ClientModule = { PrismaClient: new (options: object) => PrismaClient };

function loadClient(provider: DatabaseProvider): ClientModule {
  // The PostgreSQL client is generated from the same models (scripts/prisma.ts).
  const name = provider === "sqlite" ? ".prisma/client" : ".prisma/client-postgresql";
  return requireFromProject(name) as ClientModule;
}

export interface DatabaseOptions {
  /** PostgreSQL pool size per process. */
  poolSize?: number;
}

/**
 * A Prisma client for DATABASE_URL through the driver adapter of its engine. The type is the
 * SQLite client's; the PostgreSQL client is generated from the same models and has the same API.
 */
export function createPrismaClient(url: string, options: DatabaseOptions = {}): PrismaClient {
  const provider = databaseProvider(url);
  const { PrismaClient: Client } = loadClient(provider);
  if (provider === "sqlite") {
    // better-sqlite3's `timeout` is SQLite's busy timeout: wait for another writer, then fail.
    const adapter = new PrismaBetterSQLite3({ url: sqliteFilePath(url), timeout: 5000 });
    // better-sqlite3 blocks the process while it waits for SQLite's write lock, so Prisma's
    // statements queue behind the app's own SQLite transactions instead of racing them.
    // (Prisma's interactive transactions are not used on SQLite for the same reason.)
    const client = new Client({ adapter });
    return client.$extends({
      query: {
        $allOperations({ args, query }) {
          return sqliteProcessLock.run(() => query(args));
        },
      },
    }) as unknown as PrismaClient;
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5000,
    // A statement stuck on a lock must not hold a webhook past Shopify's 5 s budget.
    statement_timeout: 4000,
  });
  // Prisma's transactions listen for a connection's errors only after `connect()` resolves.
  listenForConnectionErrors(pool);
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  return new Client({ adapter });
}
