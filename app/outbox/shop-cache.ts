/** A shop's settings are read again after this long; a change takes effect within it. */
export const SHOP_CACHE_MS = 1000;

/**
 * The worker's copy of each shop's settings, read at most once per SHOP_CACHE_MS (every
 * message of a batch asks). A shop the worker itself changed (paused it, say) is forgotten
 * at once so that the next message reads the change.
 */
export class ShopCache<T> {
  private readonly entries = new Map<string, { value: T | undefined; at: number }>();

  /**
   * `keepMisses: false` for keys that come from outside (a callback URL's token): a miss is
   * not kept, so random keys cannot fill the cache, and a key issued a moment ago works at
   * once. `maxEntries` bounds it; the oldest entry goes first.
   */
  constructor(
    private readonly find: (domain: string) => Promise<T | undefined>,
    private readonly ttlMs = SHOP_CACHE_MS,
    private readonly clockMs: () => number = Date.now,
    private readonly options: { keepMisses?: boolean; maxEntries?: number } = {},
  ) {}

  async get(domain: string): Promise<T | undefined> {
    const cached = this.entries.get(domain);
    if (cached && this.clockMs() - cached.at < this.ttlMs) return cached.value;
    const value = await this.find(domain);
    if (value === undefined && this.options.keepMisses === false) {
      this.entries.delete(domain);
      return value;
    }
    this.entries.delete(domain);
    this.entries.set(domain, { value, at: this.clockMs() });
    const max = this.options.maxEntries ?? Number.POSITIVE_INFINITY;
    if (this.entries.size > max) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }

  forget(domain: string): void {
    this.entries.delete(domain);
  }
}
