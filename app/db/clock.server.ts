import type { SqlExecutor } from "./sql.server";

/**
 * The database's clock, as read from one process. Every decision that two processes must
 * agree on (leases, per-second send windows, shopper spacing, timed pauses) is taken in this
 * time, so a process whose own clock is off cannot take another's lease early or count its
 * sends in another second. PostgreSQL's clock is the server's; SQLite's is the clock of the
 * machine the file lives on, which every process that opens it shares.
 *
 * Reading the database for every timestamp would add a round trip to every decision, so the
 * clock keeps the offset between the local clock and the database's, measured over the
 * fastest of a few round trips (its error is at most half that round trip), and re-measures
 * it on every `sync`.
 */
export interface DatabaseClock {
  now(): Date;
  nowMs(): number;
  /** Measures the offset again; until the first sync, the local clock is used unchanged. */
  sync(): Promise<void>;
  /** Database time minus local time (ms), as last measured. */
  offsetMs(): number;
  /** Half the round trip of the last measurement: how far off the offset can be (ms). */
  uncertaintyMs(): number;
}

/** The database's current time in ms since the epoch. */
export async function readDatabaseTimeMs(db: SqlExecutor): Promise<number> {
  const statement =
    db.provider === "postgresql"
      ? `SELECT FLOOR(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint AS "ms"`
      : `SELECT CAST(ROUND((julianday('now') - 2440587.5) * 86400000.0) AS INTEGER) AS "ms"`;
  const rows = await db.query<{ ms: number | bigint | string }>(statement);
  const ms = Number(rows[0]?.ms);
  if (!Number.isFinite(ms)) throw new Error("the database did not tell its time");
  return ms;
}

/** Offset (database minus local) from one reading taken between local times `before` and `after`. */
export function offsetFrom(before: number, databaseMs: number, after: number): { offset: number; uncertainty: number } {
  return { offset: databaseMs - Math.round((before + after) / 2), uncertainty: Math.ceil((after - before) / 2) };
}

export function databaseClock(db: SqlExecutor, local: () => Date = () => new Date(), samples = 3): DatabaseClock {
  let offset = 0;
  let uncertainty = Number.POSITIVE_INFINITY;
  const nowMs = () => local().getTime() + offset;
  return {
    nowMs,
    now: () => new Date(nowMs()),
    async sync() {
      let best: { offset: number; uncertainty: number } | undefined;
      for (let i = 0; i < samples; i += 1) {
        const before = local().getTime();
        const databaseMs = await readDatabaseTimeMs(db);
        const reading = offsetFrom(before, databaseMs, local().getTime());
        if (!best || reading.uncertainty < best.uncertainty) best = reading;
      }
      if (best) ({ offset, uncertainty } = best);
    },
    offsetMs: () => offset,
    uncertaintyMs: () => uncertainty,
  };
}
