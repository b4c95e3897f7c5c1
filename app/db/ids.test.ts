import { describe, expect, it } from "vitest";
import { arrivalOrderedId, timeOrderedId } from "./ids";

describe("timeOrderedId", () => {
  it("GIVEN a moment WHEN an id is made THEN it is a version 7 UUID whose first 48 bits are that moment's milliseconds", () => {
    const at = Date.UTC(2026, 10, 28, 18, 30, 0, 123);
    const id = timeOrderedId(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16)).toBe(at);
  });

  it("GIVEN ids made in later milliseconds WHEN sorted as text THEN they keep the order they were made in", () => {
    const start = Date.now();
    const ids = Array.from({ length: 200 }, (_, i) => timeOrderedId(start + i));
    expect([...ids].sort()).toEqual(ids);
  });

  it("GIVEN many ids made in the same millisecond THEN none repeats", () => {
    const at = Date.now();
    const ids = new Set(Array.from({ length: 10_000 }, () => timeOrderedId(at)));
    expect(ids.size).toBe(10_000);
  });
});

describe("arrivalOrderedId", () => {
  it("GIVEN 10,000 ids made in one millisecond WHEN sorted as text THEN they keep the order they were made in", () => {
    const at = Date.now() + 60_000;
    const ids = Array.from({ length: 10_000 }, () => arrivalOrderedId(at));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(10_000);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("GIVEN a clock that steps back WHEN ids are made THEN they still sort after the earlier ones", () => {
    const at = Date.now() + 120_000;
    const first = arrivalOrderedId(at);
    const second = arrivalOrderedId(at - 5000);
    expect(second > first).toBe(true);
  });
});
