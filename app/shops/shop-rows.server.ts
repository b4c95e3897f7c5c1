import type { SqlExecutor } from "../db/sql.server";

/** The columns of a shop that the pipeline and the worker read. */
export interface ShopRow {
  domain: string;
  name: string | null;
  installed: boolean;
  enabled: boolean;
  kaleyraSid: string | null;
  apiKeyCipher: string | null;
  pod: string;
  businessNumber: string | null;
  referenceIdSource: string;
  referenceIdAttribute: string | null;
  sendProcessingOnCreate: boolean;
  /** "nothing" or "completed": what an in-person (POS) sale with nothing to ship sends. */
  inPersonSales: string;
  /** "buyer", "also" or "instead": who hears about a gift order (recipient.ts). */
  giftRecipients: string;
  pausedReason: string | null;
  resumeAt: Date | null;
}

const SHOP_COLUMNS = `"domain", "name", "installed", "enabled", "kaleyraSid", "apiKeyCipher", "pod",
  "businessNumber", "referenceIdSource", "referenceIdAttribute", "sendProcessingOnCreate",
  "inPersonSales", "giftRecipients", "pausedReason", "resumeAt"`;

function toShopRow(row: Record<string, unknown>): ShopRow {
  return {
    ...(row as unknown as ShopRow),
    installed: Boolean(row.installed),
    enabled: Boolean(row.enabled),
    sendProcessingOnCreate: Boolean(row.sendProcessingOnCreate),
  };
}

/** A shop's row, created with the defaults when a webhook arrives before anyone opened the app. */
export async function ensureShop(tx: SqlExecutor, domain: string, now: Date): Promise<ShopRow> {
  // Nearly every call finds the shop: read first, insert only when it is missing.
  const existing = await findShop(tx, domain);
  if (existing) return existing;
  await tx.execute(
    `INSERT INTO "Shop" ("domain", "createdAt", "updatedAt") VALUES (?, ?, ?) ON CONFLICT ("domain") DO NOTHING`,
    [domain, now, now],
  );
  const rows = await tx.query(`SELECT ${SHOP_COLUMNS} FROM "Shop" WHERE "domain" = ?`, [domain]);
  return toShopRow(rows[0] as Record<string, unknown>);
}

export async function findShop(tx: SqlExecutor, domain: string): Promise<ShopRow | undefined> {
  const rows = await tx.query(`SELECT ${SHOP_COLUMNS} FROM "Shop" WHERE "domain" = ?`, [domain]);
  return rows[0] ? toShopRow(rows[0] as Record<string, unknown>) : undefined;
}
