import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { BOOLEAN_COLUMNS, DATE_TIME_COLUMNS } from "./generated/columns";
import { databaseProvider, sqliteFilePath, type DatabaseProvider } from "./provider";
import { startSqliteCheckpointer, type SqliteCheckpointer } from "./sqlite-checkpointer.server";

/** SQLite's default: a commit that takes the WAL past this many pages checkpoints it. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;
/**
 * With the checkpoint thread, this connection still checkpoints once the WAL passes this:
 * a writer that never pauses long enough for the thread to finish a pass would otherwise
 * grow the WAL without end (107 MB seen on a loaded CI machine). A stall now and then, as
 * without the thread, instead of an unbounded file.
 */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 4 * DEFAULT_AUTOCHECKPOINT_PAGES;
const WAL_SIZE_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * The connection under the query layer (app/db/kysely.server.ts): real transactions and row
 * locks on PostgreSQL, short serialised write transactions on SQLite, prepared statements
 * reused on both.
 *
 * Statements use `?` placeholders on both engines. Dates are passed and returned as Date,
 * booleans as boolean: on SQLite, by the column types generated from the schema.
 */
export interface SqlExecutor {
  readonly provider: DatabaseProvider;
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a statement and returns the number of rows it changed. */
  execute(sql: string, params?: readonly unknown[]): Promise<number>;
  /** Runs a statement and returns both its rows and the number of rows it changed. */
  executeQuery<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<SqlResult<T>>;
}

export interface SqlResult<T> {
  rows: T[];
  changes: number;
}

export interface TransactionOptions {
  /**
   * The commit is on disk when the transaction's promise resolves: it survives a power cut
   * or a kernel crash, not only the process's death. For commits that precede an answer
   * someone relies on (a webhook's 200: Shopify does not resend it). SQLite: the commit runs
   * with `synchronous = FULL` (the WAL is fsynced); PostgreSQL: every commit, with its
   * defaults (`fsync`, `synchronous_commit` on).
   */
  durable?: boolean;
}

export interface SqlDatabase extends SqlExecutor {
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

/** A FIFO lock for one process: SQLite has one writer, and better-sqlite3 calls block. */
export class AsyncMutex {
  private tail: Promise<void> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

/** SQLite's text form of a date, the same one Prisma's SQLite adapter writes. */
export function sqliteDate(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}

function toSqliteParam(value: unknown): unknown {
  if (value instanceof Date) return sqliteDate(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  return value;
}

/**
 * A date as SQLite holds it: the text the app and Prisma write (ISO 8601 with an offset), or
 * `CURRENT_TIMESTAMP`'s `YYYY-MM-DD HH:MM:SS` (UTC) from a column default.
 */
function fromSqliteDate(value: unknown): unknown {
  if (typeof value === "string") return new Date(/[zZ]|[+-]\d{2}:\d{2}$/.test(value) ? value : `${value.replace(" ", "T")}Z`);
  if (typeof value === "number") return new Date(value);
  return value;
}

/** A row as the schema types it: the columns' types come from the models, not from values. */
export function fromSqliteRow(row: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(row)) {
    if (value === null) continue;
    if (DATE_TIME_COLUMNS.has(key)) row[key] = fromSqliteDate(value);
    else if (BOOLEAN_COLUMNS.has(key) && typeof value !== "boolean") row[key] = Number(value) !== 0;
    else if (typeof value === "bigint") row[key] = Number(value);
  }
  return row;
}

declare global {
  var __sqliteProcessLock: AsyncMutex | undefined;
}

/**
 * Every SQLite handle of a process shares this lock, Prisma's included (see client.server.ts).
 * It lives on globalThis because the server entry and the Remix build are separate bundles.
 */
export const sqliteProcessLock: AsyncMutex = (globalThis.__sqliteProcessLock ??= new AsyncMutex());

/**
 * Prepared statements of one connection, by SQL text. The hot paths run the same few dozen
 * statements over and over; preparing each anew was measurable (bench/README.md).
 */
class StatementCache {
  private static readonly LIMIT = 500;
  private readonly statements = new Map<string, Database.Statement>();
  constructor(private readonly db: Database.Database) {}

  get(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      // Statements built from varying text (IN lists of any length) must not grow it for ever.
      if (this.statements.size >= StatementCache.LIMIT) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/** Runs statements on the connection as they come; used inside a held lock. */
class SqliteExecutor implements SqlExecutor {
  readonly provider = "sqlite" as const;
  constructor(
    protected readonly db: Database.Database,
    protected readonly statements: StatementCache = new StatementCache(db),
  ) {}

  protected run<T>(work: () => T): Promise<T> {
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.run(() => {
      const statement = this.statements.get(sql);
      const bound = params.map(toSqliteParam);
      if (!statement.reader) {
        statement.run(...bound);
        return [];
      }
      return statement.all(...bound).map((row) => fromSqliteRow(row as Record<string, unknown>) as T);
    });
  }

  execute(sql: string, params: readonly unknown[] = []): Promise<number> {
    return this.run(() => this.statements.get(sql).run(...params.map(toSqliteParam)).changes);
  }

  executeQuery<T>(sql: string, params: readonly unknown[] = []): Promise<SqlResult<T>> {
    return this.run(() => {
      const statement = this.statements.get(sql);
      const bound = params.map(toSqliteParam);
      if (!statement.reader) return { rows: [], changes: statement.run(...bound).changes };
      const rows = statement.all(...bound).map((row) => fromSqliteRow(row as Record<string, unknown>) as T);
      // A statement with RETURNING changed the rows it returned.
      return { rows, changes: /^\s*select\b/i.test(sql) ? 0 : rows.length };
    });
  }
}

interface DurableMember {
  work: (tx: SqlExecutor) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

class SqliteDatabase extends SqliteExecutor implements SqlDatabase {
  private readonly checkpointer: SqliteCheckpointer | undefined;
  /** Durable transactions waiting for the next group commit. */
  private readonly durableQueue: DurableMember[] = [];

  constructor(file: string, backgroundCheckpoints: boolean) {
    if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
    // busy timeout: another process (a CLI, a second worker) may hold the write lock briefly.
    const db = new Database(file, { timeout: 5000 });
    db.pragma("journal_mode = WAL");
    // NORMAL: a commit survives the process's death but may be lost to a power cut until the
    // next checkpoint. Commits that must survive that too ask for `durable` (FULL, below).
    db.pragma("synchronous = NORMAL");
    super(db);
    if (backgroundCheckpoints && file !== ":memory:") {
      db.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
      // After a burst, the WAL file goes back to this size once checkpointed.
      db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
      this.checkpointer = startSqliteCheckpointer(file, {
        // Without the thread, this connection checkpoints on its commits again (the default).
        onFailure: () => {
          if (db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
        },
      });
    }
  }

  // Outside a transaction every statement takes the process lock, so it can never run
  // inside another caller's open transaction on the same connection.
  protected override run<T>(work: () => T): Promise<T> {
    return sqliteProcessLock.run(async () => work());
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    if (options.durable) return this.joinDurableGroup(work);
    return sqliteProcessLock.run(async () => {
      // IMMEDIATE takes the write lock up front, so the transaction never fails half-way
      // because another process started writing after it read.
      this.statements.get("BEGIN IMMEDIATE").run();
      try {
        const result = await work(new SqliteExecutor(this.db, this.statements));
        this.statements.get("COMMIT").run();
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw error;
      }
    });
  }

  /**
   * Group commit. A durable commit waits for an fsync, and better-sqlite3 waits on the event
   * loop, so one fsync per webhook would cap the whole process at one webhook per fsync.
   * Durable transactions that queue up while the lock is busy therefore run together: each
   * in its own savepoint (a failing one is rolled back alone and rejected), all sharing one
   * COMMIT under `synchronous = FULL`. None resolves before that commit is on disk.
   */
  private joinDurableGroup<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.durableQueue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      // The first to queue schedules the group, after the requests already under way in
      // this turn of the event loop have had their chance to join it.
      if (this.durableQueue.length === 1) setImmediate(() => void sqliteProcessLock.run(() => this.commitDurableGroup()));
    });
  }

  private async commitDurableGroup(): Promise<void> {
    const group = this.durableQueue.splice(0);
    const outcomes: Array<() => void> = [];
    try {
      // The setting is the connection's; the process lock keeps every other statement out
      // until it is back to NORMAL.
      this.statements.get("PRAGMA synchronous = FULL").run();
      this.statements.get("BEGIN IMMEDIATE").run();
      for (const member of group) {
        this.statements.get("SAVEPOINT durable_member").run();
        try {
          const result = await member.work(new SqliteExecutor(this.db, this.statements));
          this.statements.get("RELEASE durable_member").run();
          outcomes.push(() => member.resolve(result));
        } catch (error) {
          // An error that ended the whole transaction takes the group with it (below).
          if (!this.db.inTransaction) throw error;
          this.statements.get("ROLLBACK TO durable_member").run();
          this.statements.get("RELEASE durable_member").run();
          outcomes.push(() => member.reject(error));
        }
      }
      this.statements.get("COMMIT").run();
    } catch (error) {
      if (this.db.open && this.db.inTransaction) this.db.exec("ROLLBACK");
      for (const member of group) member.reject(error);
      return;
    } finally {
      this.restoreNormalSync();
    }
    for (const settle of outcomes) settle();
  }

  private restoreNormalSync(): void {
    try {
      if (this.db.open) this.statements.get("PRAGMA synchronous = NORMAL").run();
    } catch {
      // Left at FULL: every commit is then durable, only slower. Nothing is lost.
    }
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    await sqliteProcessLock.run(async () => this.db.close());
  }
}

// `timestamp without time zone` holds UTC (as Prisma writes it); read it as UTC whatever
// the process's time zone.
const pgTypes = {
  getTypeParser(oid: number, format?: string) {
    if (oid === 1114) return (value: string) => new Date(`${value.replace(" ", "T")}Z`);
    if (oid === 20) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as "text");
  },
};

function toPgParam(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString().replace("Z", "");
  // PostgreSQL text cannot hold U+0000 (SQLite can), not even as a WHERE parameter: one NUL
  // in a webhook (a name, an id, a reason quoting them) would fail its whole transaction and
  // Shopify would retry it for ever. It is stored as U+FFFD, the replacement character.
  if (typeof value === "string" && value.includes("\u0000")) return value.replaceAll("\u0000", "\uFFFD");
  return value;
}

interface PgStatement {
  text: string;
  name: string;
}

const pgStatements = new Map<string, PgStatement>();

/**
 * The statement as PostgreSQL takes it: `?` placeholders as `$1`, `$2`…, and a name, so that
 * each connection parses and plans it once and then only executes it (parsing and planning
 * every statement anew cost the database more CPU than running it).
 */
function pgStatement(sql: string): PgStatement {
  let statement = pgStatements.get(sql);
  if (statement === undefined) {
    let index = 0;
    const text = sql.replace(/\?/g, () => `$${++index}`);
    statement = { text, name: `s_${createHash("sha256").update(text).digest("hex").slice(0, 24)}` };
    // Statements built from varying text (IN lists of any length) must not grow it for ever.
    if (pgStatements.size >= 500) pgStatements.clear();
    pgStatements.set(sql, statement);
  }
  return statement;
}

/**
 * A statement without parameters goes unnamed, as a simple query: it may hold several
 * commands (a migration, a schema dump), which a prepared statement cannot.
 */
function pgQuery(sql: string, params: readonly unknown[]): pg.QueryConfig {
  if (params.length === 0) return { text: pgStatement(sql).text, types: pgTypes };
  return { ...pgStatement(sql), values: params.map(toPgParam), types: pgTypes };
}

class PgExecutor implements SqlExecutor {
  readonly provider = "postgresql" as const;
  constructor(private readonly client: pg.Pool | pg.PoolClient) {}

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const result = await this.client.query(pgQuery(sql, params));
    return result.rows as T[];
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<number> {
    const result = await this.client.query(pgQuery(sql, params));
    return result.rowCount ?? 0;
  }

  async executeQuery<T>(sql: string, params: readonly unknown[] = []): Promise<SqlResult<T>> {
    const result = await this.client.query(pgQuery(sql, params));
    return { rows: result.rows as T[], changes: result.command === "SELECT" ? 0 : (result.rowCount ?? 0) };
  }
}

class PgDatabase extends PgExecutor implements SqlDatabase {
  constructor(
    private readonly pool: pg.Pool,
    private readonly brokenConnections: WeakMap<pg.Client, Error>,
  ) {
    super(pool);
  }

  // Every commit is durable with PostgreSQL's defaults (fsync, synchronous_commit on), which
  // the app never changes: `options.durable` asks for nothing more.
  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>, _options: TransactionOptions = {}): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const result = await work(new PgExecutor(client));
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      // A broken connection is destroyed, not pooled.
      client.release(this.brokenConnections.get(client));
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

export interface OpenOptions {
  /** PostgreSQL: connections in the pool. */
  poolSize?: number;
  /** SQLite: checkpoint the WAL from a thread instead of on commits (the process's own handle). */
  backgroundCheckpoints?: boolean;
}

export function openSqlDatabase(url: string, options: OpenOptions = {}): SqlDatabase {
  if (databaseProvider(url) === "sqlite") return new SqliteDatabase(sqliteFilePath(url), options.backgroundCheckpoints ?? false);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5000,
    statement_timeout: 4000,
    // Which process a connection (and the locks it holds) belongs to, in pg_stat_activity.
    application_name: `order-status:${process.pid}`,
  });
  return new PgDatabase(pool, listenForConnectionErrors(pool));
}

/**
 * pg-pool listens for a client's errors only while the client is idle. A connection killed
 * while checked out (a restart, pg_terminate_backend) emits 'error' with nobody listening,
 * which ends the process. Listening from `await pool.connect()` on is too late: the kill can
 * arrive in the same socket read as the connection's "ready", before that await resumes.
 * So every client is listened to from its first moment, for its whole life; a failure still
 * reaches its caller through the query, and the connection is remembered as broken.
 */
export function listenForConnectionErrors(pool: pg.Pool): WeakMap<pg.Client, Error> {
  const broken = new WeakMap<pg.Client, Error>();
  pool.on("connect", (client) => client.on("error", (error) => broken.set(client, error)));
  // An idle client whose server went away: the pool has already dropped it.
  pool.on("error", () => {});
  return broken;
}
