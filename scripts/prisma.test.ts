import { describe, expect, it } from "vitest";
import { columnTypesSource, derivePostgresSchema } from "./prisma";

const field = (name: string, type: string) => ({ name, kind: "scalar", type });

describe("the query layer's column types, generated from the models", () => {
  it("GIVEN models with dates and booleans WHEN generated THEN each name is listed once under its type", () => {
    const source = columnTypesSource([
      { name: "Shop", fields: [field("domain", "String"), field("enabled", "Boolean"), field("createdAt", "DateTime")] },
      { name: "Template", fields: [field("enabled", "Boolean"), field("createdAt", "DateTime"), field("rank", "Int")] },
    ]);
    expect(source).toContain('DATE_TIME_COLUMNS: ReadonlySet<string> = new Set(["createdAt"])');
    expect(source).toContain('BOOLEAN_COLUMNS: ReadonlySet<string> = new Set(["enabled"])');
  });

  it("GIVEN a name that is a date in one model and text in another WHEN generated THEN it is refused, naming both", () => {
    expect(() =>
      columnTypesSource([
        { name: "Shop", fields: [field("checkedAt", "DateTime")] },
        { name: "Probe", fields: [field("checkedAt", "String")] },
      ]),
    ).toThrow(/checkedAt is DateTime in Shop but String in Probe/);
  });

  it("GIVEN the SQLite schema WHEN the PostgreSQL one is derived THEN it has no second query-types generator", () => {
    const derived = derivePostgresSchema(
      'generator client {\n  provider = "prisma-client-js"\n}\n\ngenerator kysely {\n  provider = "prisma-kysely"\n}\n\ndatasource db {\n  provider = "sqlite"\n}\n',
    );
    expect(derived).not.toContain("prisma-kysely");
    expect(derived).toContain('provider = "postgresql"');
  });
});
