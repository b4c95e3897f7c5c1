import { randomUUID } from "node:crypto";
import type { Selectable } from "kysely";
import type { Template } from "../generated/kysely";
import { queries } from "../kysely.server";
import type { SqlExecutor } from "../sql.server";

/** The Template table: a shop's own wording of one status's message. */
export type TemplateRecord = Selectable<Template>;

export async function shopTemplates(db: SqlExecutor, shop: string): Promise<TemplateRecord[]> {
  return queries(db).selectFrom("Template").selectAll().where("shopDomain", "=", shop).execute();
}

export async function findTemplate(db: SqlExecutor, shop: string, status: string): Promise<TemplateRecord | undefined> {
  return queries(db).selectFrom("Template").selectAll().where("shopDomain", "=", shop).where("status", "=", status).executeTakeFirst();
}

/** Writes a status's template, creating it if need be. */
export async function saveTemplate(
  tx: SqlExecutor,
  shop: string,
  status: string,
  template: Pick<TemplateRecord, "enabled" | "body" | "description">,
  now: Date,
): Promise<void> {
  const changes = { ...template, updatedAt: now };
  await queries(tx)
    .insertInto("Template")
    .values({ id: randomUUID(), shopDomain: shop, status, ...changes })
    .onConflict((conflict) => conflict.columns(["shopDomain", "status"]).doUpdateSet(changes))
    .execute();
}
