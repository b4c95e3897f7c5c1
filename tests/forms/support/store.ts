/** What a form may change, read straight from the database to compare before and after. */
import type { SqlDatabase } from "../../../app/db/sql.server";

export interface StoredState {
  shop: Record<string, unknown> | undefined;
  templates: Array<Record<string, unknown>>;
  /** Every shop's domain: a form must never create or touch another row. */
  domains: string[];
}

export async function storedState(db: SqlDatabase, shop: string): Promise<StoredState> {
  const [row] = await db.query<Record<string, unknown>>(`SELECT * FROM "Shop" WHERE "domain" = ?`, [shop]);
  const templates = await db.query<Record<string, unknown>>(
    `SELECT * FROM "Template" WHERE "shopDomain" = ? ORDER BY "status"`,
    [shop],
  );
  const domains = (await db.query<{ domain: string }>(`SELECT "domain" FROM "Shop" ORDER BY "domain"`)).map((r) => r.domain);
  return { shop: row, templates, domains };
}

/** SQLite answers 0/1 for a boolean column, PostgreSQL true/false. */
export function asBoolean(value: unknown): boolean {
  return value === true || value === 1 || value === "1" || value === "true";
}
