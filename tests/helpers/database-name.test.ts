import { describe, expect, it } from "vitest";
import { testDatabasePrefix, throwawayDatabaseName } from "./database";

describe("throwaway PostgreSQL database names", () => {
  it("GIVEN no TEST_DATABASE_PREFIX WHEN a test database is named THEN it starts with order_status_test_", () => {
    expect(throwawayDatabaseName("test", {})).toMatch(new RegExp(`^order_status_test_${process.pid}_[a-z0-9]+$`));
  });

  it("GIVEN TEST_DATABASE_PREFIX=alice WHEN test and bench databases are named THEN both start with alice_", () => {
    expect(throwawayDatabaseName("test", { TEST_DATABASE_PREFIX: "alice" })).toMatch(/^alice_test_/);
    expect(throwawayDatabaseName("bench_sqlite", { TEST_DATABASE_PREFIX: "alice" })).toMatch(/^alice_bench_sqlite_/);
  });

  it("GIVEN a prefix that is not a plain identifier WHEN used THEN a clear error names the variable", () => {
    for (const bad of ['x"; DROP DATABASE postgres; --', "Alice", "a-b", "9lives", "x".repeat(41)]) {
      expect(() => testDatabasePrefix({ TEST_DATABASE_PREFIX: bad }), bad).toThrow(/TEST_DATABASE_PREFIX must be/);
    }
  });
});
