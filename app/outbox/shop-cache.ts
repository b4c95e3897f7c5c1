/** A shop's settings are read again after this long; a change takes effect within it. */
export const SHOP_CACHE_MS = 1000;

/**
 * The worker's copy of each shop's settings, read at most once per SHOP_CACHE_MS (every
 * message of a batch asks). A shop the worker itself changed (paused it, say) is forgotten
 * at once so that the next message reads the change.
 */
export class ShopCache<T> {
  private readonly entries = new Map<string, { value: T | undefined; at: number }>();

  constructor(
    private readonly find: (domain: string) => Promise<T | undefined>,
    private readonly ttlMs = SHOP_CACHE_MS,
    private readonly clockMs: () => number = Date.now,
  ) {}

  async get(domain: string): Promise<T | undefined> {
    const cached = this.entries.get(domain);
    if (cached && this.clockMs() - cached.at < this.ttlMs) return cached.value;
    const value = await this.find(domain);
    this.entries.set(domain, { value, at: this.clockMs() });
    return value;
  }

  forget(domain: string): void {
    this.entries.delete(domain);
  }
}
