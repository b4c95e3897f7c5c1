/**
 * The Templates page's server side: each status's saved template (or the default), and
 * saving all five together with the "templates reviewed" mark in one transaction.
 */
import { STATUS_LABEL, ORDER_STATUSES, type OrderStatus } from "../kaleyra/statuses";
import { shopDisplayName } from "../shops/domain";
import { ensureShop, readShop, updateShop } from "../db/repositories/shops.server";
import { saveTemplate, shopTemplates } from "../db/repositories/templates.server";
import { DEFAULT_TEMPLATES } from "../templates/defaults";
import type { AdminDeps } from "./deps.server";
import type { FieldErrors } from "./form-data";
import { parseTemplatesForm } from "./templates";

export interface TemplateView {
  status: OrderStatus;
  label: string;
  enabled: boolean;
  body: string;
  description: string;
}

export interface TemplatesPage {
  templates: TemplateView[];
  /** What `{{shop_name}}` becomes in messages, for the preview. */
  shopName: string;
  reviewedAt: string | null;
}

export async function loadTemplates(deps: AdminDeps, shopDomain: string): Promise<TemplatesPage> {
  const [shop, rows] = await Promise.all([
    readShop(deps.sql, shopDomain),
    shopTemplates(deps.sql, shopDomain),
  ]);
  const byStatus = new Map(rows.map((row) => [row.status, row]));
  const templates = ORDER_STATUSES.map((status): TemplateView => {
    const row = byStatus.get(status);
    return {
      status,
      label: STATUS_LABEL[status],
      enabled: row?.enabled ?? true,
      body: row?.body ?? DEFAULT_TEMPLATES[status].body,
      // A saved empty description stays empty; only a status never saved shows the default.
      description: row ? (row.description ?? "") : DEFAULT_TEMPLATES[status].description,
    };
  });
  return {
    templates,
    shopName: shopDisplayName({ domain: shopDomain, name: shop?.name ?? null }),
    reviewedAt: shop?.templatesReviewedAt?.toISOString() ?? null,
  };
}

export type SaveTemplatesResult = { ok: true } | { ok: false; errors: FieldErrors };

/** All five templates or none: a refused field leaves every stored template as it was. */
export async function saveTemplates(
  deps: AdminDeps,
  shopDomain: string,
  raw: Record<string, unknown>,
): Promise<SaveTemplatesResult> {
  const parsed = parseTemplatesForm(raw);
  if (!parsed.ok) return parsed;
  const now = deps.now();
  await deps.sql.transaction(async (tx) => {
    await ensureShop(tx, shopDomain, now);
    for (const status of ORDER_STATUSES) {
      const template = parsed.templates[status];
      await saveTemplate(
        tx,
        shopDomain,
        status,
        { enabled: template.enabled, body: template.body, description: template.description || null },
        now,
      );
    }
    await updateShop(tx, shopDomain, { templatesReviewedAt: now, updatedAt: now });
  });
  return { ok: true };
}
