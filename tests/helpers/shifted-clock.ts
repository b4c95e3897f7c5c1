/**
 * Preloaded with `node --import` into a child process, this puts the process's whole clock
 * CLOCK_SHIFT_MS (milliseconds, may be negative) off the machine's: `Date.now()`, `new Date()`,
 * `Date()` and `performance.timeOrigin` (so `timeOrigin + performance.now()` agrees with
 * `Date.now()`). Durations (`performance.now()` alone, timers) are untouched, as on a machine
 * whose wall clock is set wrong. Nothing else in the process can read the true time, except
 * through another process (the database).
 */
const shiftMs = Number(process.env.CLOCK_SHIFT_MS ?? "0");
if (!Number.isFinite(shiftMs)) throw new Error(`CLOCK_SHIFT_MS must be a number of milliseconds, got ${process.env.CLOCK_SHIFT_MS}`);

const TrueDate = Date;
const trueNow = TrueDate.now.bind(TrueDate);
const shiftedNow = () => trueNow() + shiftMs;

globalThis.Date = new Proxy(TrueDate, {
  // `new Date()` reads the clock; `new Date(value)` does not.
  construct: (target, args: unknown[], newTarget: () => unknown) =>
    Reflect.construct(target as () => unknown, args.length === 0 ? [shiftedNow()] : args, newTarget) as object,
  // `Date()` as a function is the current time as a string.
  apply: () => new TrueDate(shiftedNow()).toString(),
  get: (target, property, receiver) => (property === "now" ? shiftedNow : Reflect.get(target, property, receiver)),
});

const timeOrigin = performance.timeOrigin + shiftMs;
Object.defineProperty(performance, "timeOrigin", { get: () => timeOrigin, configurable: true });

export {};
