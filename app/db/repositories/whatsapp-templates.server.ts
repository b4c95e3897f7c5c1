import { randomUUID } from "node:crypto";
import type { Selectable } from "kysely";
import type { WhatsAppTemplate } from "../generated/kysely";
import { queries } from "../kysely.server";
import type { SqlExecutor } from "../sql.server";

/** The WhatsAppTemplate table: a template approved in the merchant's WhatsApp account, and how it is filled. */
export type WhatsAppTemplateRecord = Selectable<WhatsAppTemplate>;

export type WhatsAppTemplateInput = Pick<WhatsAppTemplateRecord, "kind" | "status" | "language" | "name" | "body" | "bodyParams" | "headerParam" | "buttonParam">;

export async function shopWhatsAppTemplates(db: SqlExecutor, shop: string): Promise<WhatsAppTemplateRecord[]> {
  return queries(db)
    .selectFrom("WhatsAppTemplate")
    .selectAll()
    .where("shopDomain", "=", shop)
    .orderBy("status")
    .orderBy("kind")
    .orderBy("language")
    .execute();
}

/** The shop's templates for one status (every kind and language): what planning a message chooses from. */
export async function whatsAppTemplatesFor(db: SqlExecutor, shop: string, status: string): Promise<WhatsAppTemplateRecord[]> {
  return queries(db).selectFrom("WhatsAppTemplate").selectAll().where("shopDomain", "=", shop).where("status", "=", status).execute();
}

/** The shop's templates of one name (every status, kind and language): a template asked for by name. */
export async function whatsAppTemplatesNamed(db: SqlExecutor, shop: string, name: string): Promise<WhatsAppTemplateRecord[]> {
  return queries(db).selectFrom("WhatsAppTemplate").selectAll().where("shopDomain", "=", shop).where("name", "=", name).execute();
}

export async function findWhatsAppTemplate(db: SqlExecutor, shop: string, id: string): Promise<WhatsAppTemplateRecord | undefined> {
  return queries(db).selectFrom("WhatsAppTemplate").selectAll().where("shopDomain", "=", shop).where("id", "=", id).executeTakeFirst();
}

/** Adds or replaces the shop's template for a kind, status and language; returns its id. */
export async function saveWhatsAppTemplate(tx: SqlExecutor, shop: string, template: WhatsAppTemplateInput, now: Date): Promise<string> {
  const id = randomUUID();
  const changes = { name: template.name, body: template.body, bodyParams: template.bodyParams, headerParam: template.headerParam, buttonParam: template.buttonParam, updatedAt: now };
  const row = await queries(tx)
    .insertInto("WhatsAppTemplate")
    .values({ id, shopDomain: shop, kind: template.kind, status: template.status, language: template.language, ...changes })
    .onConflict((conflict) => conflict.columns(["shopDomain", "kind", "status", "language"]).doUpdateSet(changes))
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Removes one of the shop's templates (another shop's id removes nothing). */
export async function deleteWhatsAppTemplate(tx: SqlExecutor, shop: string, id: string): Promise<boolean> {
  const result = await queries(tx).deleteFrom("WhatsAppTemplate").where("shopDomain", "=", shop).where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** shop/redact: the shop's templates go with the rest of its data. */
export async function deleteShopWhatsAppTemplates(tx: SqlExecutor, shop: string): Promise<void> {
  await queries(tx).deleteFrom("WhatsAppTemplate").where("shopDomain", "=", shop).execute();
}
