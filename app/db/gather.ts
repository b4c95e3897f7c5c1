/**
 * Calls that arrive together run together: each call's item waits for the current turn of
 * the event loop to end (or for a batch in flight to finish, when `inFlight` are), then goes
 * with the others in one `run`. Used where one statement for many rows costs about what one
 * costs for one row (a round trip, a commit).
 *
 * A batch that fails is run again one item at a time, so one bad item fails only its own call.
 */
export interface GatherOptions<T> {
  /** Items in one batch at most. */
  maxBatch: number;
  /** Batches running at once at most. */
  inFlight: number;
  /** Whether `item` may join `batch`; one that may not waits for a later batch, in order. */
  fits?: (batch: readonly T[], item: T) => boolean;
}

interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export function gather<T, R>(run: (items: T[]) => Promise<R[]>, options: GatherOptions<T>): (item: T) => Promise<R> {
  const waiting: Array<Waiting<T, R>> = [];
  let running = 0;
  let scheduled = false;

  const schedule = () => {
    if (scheduled || running >= options.inFlight || waiting.length === 0) return;
    scheduled = true;
    // After the current turn: the calls made in it join the same batch.
    setImmediate(() => {
      scheduled = false;
      while (running < options.inFlight && waiting.length > 0) start(takeBatch(waiting, options));
    });
  };

  const start = (batch: Array<Waiting<T, R>>) => {
    running += 1;
    runBatch(run, batch).finally(() => {
      running -= 1;
      schedule();
    });
  };

  return (item) =>
    new Promise<R>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      schedule();
    });
}

/** The next batch: waiting items in order, each that fits, up to the size. */
export function takeBatch<W extends { item: T }, T>(waiting: W[], options: Pick<GatherOptions<T>, "maxBatch" | "fits">): W[] {
  const batch: W[] = [];
  const items: T[] = [];
  for (let index = 0; index < waiting.length && batch.length < options.maxBatch; ) {
    const next = waiting[index]!;
    if (options.fits && !options.fits(items, next.item)) {
      index += 1;
      continue;
    }
    batch.push(next);
    items.push(next.item);
    waiting.splice(index, 1);
  }
  return batch;
}

async function runBatch<T, R>(run: (items: T[]) => Promise<R[]>, batch: Array<Waiting<T, R>>): Promise<void> {
  try {
    const results = await run(batch.map((waiting) => waiting.item));
    if (results.length !== batch.length) throw new Error(`a batch of ${batch.length} gave ${results.length} results`);
    batch.forEach((waiting, index) => waiting.resolve(results[index]!));
  } catch (error) {
    if (batch.length === 1) {
      batch[0]!.reject(error);
      return;
    }
    await Promise.all(batch.map((waiting) => runBatch(run, [waiting])));
  }
}
