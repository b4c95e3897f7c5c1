import pg from "pg";
import { doublingDelayMs } from "../backoff";
import type { SqlExecutor } from "../db/sql.server";
import type { Logger } from "../logger.server";
import { wakeDeliveryWorkers, wakeInboxProcessors, type WakeKind } from "./wake.server";

/**
 * Cross-process wake-up on PostgreSQL. After a transaction that queued messages commits, the
 * process calls `announceQueuedMessages`: its own workers wake at once, and a `pg_notify`
 * reaches every process that listens (each worker process keeps one dedicated connection for
 * that, `startOutboxListener`). A webhook kept in the inbox does the same for the inbox
 * processors (`announceInboxDeliveries`, the payload "inbox" on the same channel). SQLite
 * runs one process, whose wake-up is in-process only.
 * The worker's idle poll stays as the safety net for a notification that is lost (the process
 * died between the commit and the notify, or the notify failed).
 */
export const OUTBOX_CHANNEL = "outbox";

/**
 * Longest a notification waits behind the previous one of its kind: the delay a busy
 * process adds to another process's wake-up (its own processors are woken at once).
 */
export const NOTIFY_SPACING_MS = 20;

const NOTIFY: Record<WakeKind, string> = {
  outbox: `SELECT pg_notify('${OUTBOX_CHANNEL}', '')`,
  inbox: `SELECT pg_notify('${OUTBOX_CHANNEL}', 'inbox')`,
};

/**
 * Notifications from one process, coalesced: while one is on its way, and for
 * NOTIFY_SPACING_MS after it, any number of further requests become a single next one. Sent
 * after the commit rather than inside the transaction, it costs the webhook no round trip,
 * and PostgreSQL does not serialise the commits of notifying transactions.
 */
export class Announcer {
  private sending = false;
  private again = false;

  constructor(
    private readonly db: SqlExecutor,
    private readonly statement: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  request(): void {
    if (this.sending) {
      this.again = true;
      return;
    }
    this.sending = true;
    void this.send();
  }

  private async send(): Promise<void> {
    try {
      do {
        this.again = false;
        await this.db.query(this.statement);
        // A process that is busy (nearly every request then finds one on its way) sends one a
        // spacing instead of one a round trip: each costs a statement, as much as a webhook's own.
        if (this.again) await new Promise((resolve) => setTimeout(resolve, NOTIFY_SPACING_MS));
      } while (this.again);
    } catch (error) {
      this.onError(error);
    } finally {
      this.sending = false;
    }
  }
}

const announcers: Record<WakeKind, WeakMap<SqlExecutor, Announcer>> = { outbox: new WeakMap(), inbox: new WeakMap() };

type WarnLog = { warn(details: { err: unknown }, message: string): void };

function announce(kind: WakeKind, db: SqlExecutor, log: WarnLog): void {
  if (db.provider !== "postgresql") return;
  let announcer = announcers[kind].get(db);
  if (!announcer) {
    announcer = new Announcer(db, NOTIFY[kind], (error) => log.warn({ err: error }, "could not notify the worker processes; they poll"));
    announcers[kind].set(db, announcer);
  }
  announcer.request();
}

/** After a commit that queued messages: wakes this process's workers and, on PostgreSQL, all others. */
export function announceQueuedMessages(db: SqlExecutor, log: WarnLog): void {
  wakeDeliveryWorkers();
  announce("outbox", db, log);
}

/** For a short-lived process (a command): tells the other processes' inbox processors, and waits until it is sent. */
export async function notifyInboxProcessors(db: SqlExecutor): Promise<void> {
  if (db.provider === "postgresql") await db.query(NOTIFY.inbox);
}

/** After a commit that kept a delivery in the inbox: wakes the inbox processors, here and elsewhere. */
export function announceInboxDeliveries(db: SqlExecutor, log: WarnLog): void {
  wakeInboxProcessors();
  announce("inbox", db, log);
}

export interface OutboxListener {
  /** True while the LISTEN connection is up. */
  readonly listening: boolean;
  stop(): Promise<void>;
}

export interface OutboxListenerOptions {
  logger: Logger;
  /** Called on every notification about queued messages (this process's wake-up by default). */
  onNotify?: () => void;
  /** Called on every notification about kept deliveries (this process's inbox wake-up by default). */
  onInbox?: () => void;
  /** First reconnect delay; doubles up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
}

/**
 * LISTENs on the outbox channel over one connection of its own, reconnecting (with backoff)
 * whenever the connection drops. After every (re)connect it wakes the workers once, since
 * notifications sent while it was away are lost.
 */
export function startOutboxListener(url: string, options: OutboxListenerOptions): OutboxListener {
  const log = options.logger.child({ module: "outbox-listener" });
  const onNotify = options.onNotify ?? wakeDeliveryWorkers;
  const onInbox = options.onInbox ?? wakeInboxProcessors;
  const firstRetryMs = options.retryMs ?? 500;
  const maxRetryMs = options.maxRetryMs ?? 30_000;

  let stopped = false;
  let listening = false;
  let client: pg.Client | undefined;
  // Reconnects since the connection was last up: the backoff's step.
  let reconnects = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let failures = 0;

  const scheduleReconnect = () => {
    if (stopped || retryTimer) return;
    retryTimer = setTimeout(
      () => {
        retryTimer = undefined;
        void connect();
      },
      doublingDelayMs(reconnects, { firstMs: firstRetryMs, capMs: maxRetryMs }),
    );
    reconnects += 1;
  };

  const dropped = (current: pg.Client, error?: unknown) => {
    if (client !== current) return;
    client = undefined;
    const wasListening = listening;
    listening = false;
    current.removeAllListeners("notification");
    // A late error from the dead connection must not become an uncaught exception.
    current.on("error", () => {});
    void current.end().catch(() => {});
    if (stopped) return;
    if (wasListening) log.warn({ err: error }, "outbox listener connection lost; reconnecting");
    scheduleReconnect();
  };

  async function connect(): Promise<void> {
    if (stopped) return;
    // keepAlive: a silently vanished server (network cut) is noticed by the socket, not never.
    const current = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000, keepAlive: true });
    client = current;
    current.on("error", (error) => dropped(current, error));
    current.on("end", () => dropped(current));
    current.on("notification", (message) => {
      if (message.channel !== OUTBOX_CHANNEL) return;
      if (message.payload === "inbox") onInbox();
      else onNotify();
    });
    try {
      await current.connect();
      await current.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (error) {
      failures += 1;
      // One line per outage, not one per attempt.
      if (failures === 1) log.warn({ err: error }, "outbox listener cannot connect; retrying");
      dropped(current, error);
      return;
    }
    if (stopped || client !== current) {
      await current.end().catch(() => {});
      return;
    }
    listening = true;
    reconnects = 0;
    if (failures > 0) log.info({ failures }, "outbox listener connected again");
    failures = 0;
    onNotify();
    onInbox();
  }

  void connect();

  return {
    get listening() {
      return listening;
    },
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      retryTimer = undefined;
      const current = client;
      client = undefined;
      listening = false;
      if (current) {
        current.removeAllListeners("notification");
        current.on("error", () => {});
        await current.end().catch(() => {});
      }
    },
  };
}
