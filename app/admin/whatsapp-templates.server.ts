/**
 * The WhatsApp templates page's server side: the shop's approved templates and how each is
 * filled, saving one mapping (validated by the form's zod schema, which lives here to keep
 * zod out of the page's browser bundle), deleting one, and sending one as a test with the
 * sample order, through the shop's saved credentials as the Settings test send does.
 */
import { z } from "zod";
import { config } from "../config.server";
import { decryptSecret, SecretDecryptionError } from "../crypto/secrets.server";
import { readShop, type ShopRecord } from "../db/repositories/shops.server";
import {
  deleteWhatsAppTemplate,
  findWhatsAppTemplate,
  saveWhatsAppTemplate,
  shopWhatsAppTemplates,
  type WhatsAppTemplateRecord,
} from "../db/repositories/whatsapp-templates.server";
import { createKaleyraClient, type KaleyraClient } from "../kaleyra/client.server";
import { fits } from "../kaleyra/limits";
import { outcomeKey, type KaleyraOutcome, type OutcomeKey } from "../kaleyra/outcome";
import type { KaleyraCredentialsInput } from "../kaleyra/request";
import { isOrderStatus, ORDER_STATUSES, type OrderStatus } from "../kaleyra/statuses";
import { LANGUAGE_CODE_PATTERN, TEMPLATE_LIMITS, TEMPLATE_NAME_PATTERN } from "../kaleyra/template-limits";
import type { TemplateMessageInput } from "../kaleyra/template-request";
import { shopDisplayName } from "../shops/domain";
import { parseBodyParams, templateParamsFor } from "../templates/approved";
import { isTemplateVariable, SAMPLE_VALUES, type TemplateValues } from "../templates/variables";
import type { AdminDeps } from "./deps.server";
import { controlCharacterIn, fieldErrorsOf, type FieldErrors } from "./form-data";
import { testSendFormSchema } from "./settings";
import type { TestSendReport } from "./settings-options";
import { TEST_REFERENCE_ID } from "./settings.server";
import { testSendHelp } from "./test-send-help";
import { normaliseLineBreaks } from "./template-editing";
import { inUseFor, placeholderProblem, placeholdersIn, TEMPLATE_BODY_LIMIT, TEMPLATE_KINDS, type TemplateKind } from "./whatsapp-templates";

export interface WhatsAppTemplateView {
  id: string;
  kind: string;
  status: string;
  language: string;
  name: string;
  body: string;
  bodyParams: string[];
  headerParam: string | null;
  buttonParam: string | null;
  inUseFor: string;
  updatedAt: string;
}

export interface WhatsAppTemplatesPage {
  templates: WhatsAppTemplateView[];
  /** What `shop_name` becomes in the preview and in a test. */
  shopName: string;
}

function viewOf(row: WhatsAppTemplateRecord, all: WhatsAppTemplateRecord[]): WhatsAppTemplateView {
  const { id, kind, status, language, name, body, headerParam, buttonParam } = row;
  const bodyParams = parseBodyParams(row);
  return { id, kind, status, language, name, body, bodyParams, headerParam, buttonParam, inUseFor: inUseFor(row, all), updatedAt: row.updatedAt.toISOString() };
}

export async function loadWhatsAppTemplates(deps: AdminDeps, shopDomain: string): Promise<WhatsAppTemplatesPage> {
  const [shop, rows] = await Promise.all([readShop(deps.sql, shopDomain), shopWhatsAppTemplates(deps.sql, shopDomain)]);
  return {
    templates: rows.map((row) => viewOf(row, rows)),
    shopName: shopDisplayName({ domain: shopDomain, name: shop?.name ?? null }),
  };
}

/** The form as posted: one approved template's mapping, every problem reported at once. */
const variableChoice = z
  .string()
  .optional()
  .transform((value) => value?.trim() || null)
  .refine((value) => value === null || isTemplateVariable(value), { error: "Choose one of the app's variables." });

const formSchema = z
  .object({
    id: z
      .string()
      .optional()
      .transform((value) => value?.trim() || undefined),
    status: z.enum(ORDER_STATUSES, { error: "Choose the order status this template is for." }),
    kind: z.enum(TEMPLATE_KINDS, { error: "Choose the template's kind." }),
    language: z
      .string({ error: "Enter the template's language code." })
      .trim()
      .regex(LANGUAGE_CODE_PATTERN, "Enter the language code as WhatsApp Manager shows it, such as en, en_US or pt_BR."),
    name: z
      .string({ error: "Enter the template's name." })
      .trim()
      .min(1, "Enter the template's name as approved in WhatsApp Manager.")
      .max(TEMPLATE_LIMITS.name, `Use at most ${TEMPLATE_LIMITS.name} characters.`)
      .regex(TEMPLATE_NAME_PATTERN, "Use the approved name: lower-case letters, digits and _ only."),
    body: z
      .string({ error: "Paste the template's body as approved." })
      .transform((value) => normaliseLineBreaks(value).trim())
      .pipe(
        z
          .string()
          .min(1, "Paste the template's body as approved.")
          .refine((value) => fits(value, TEMPLATE_BODY_LIMIT), `The body is longer than WhatsApp's ${TEMPLATE_BODY_LIMIT.toLocaleString("en")} characters.`)
          .refine((value) => controlCharacterIn(value) === undefined, "Remove the invisible control characters from the body.")
          .superRefine((value, ctx) => {
            const problem = placeholderProblem(value);
            if (problem) ctx.addIssue({ code: "custom", message: problem });
          }),
      ),
    bodyParams: z.array(z.string().optional()),
    headerParam: variableChoice,
    buttonParam: variableChoice,
  })
  .superRefine(
    (form, ctx) => {
      if (typeof form.body === "string" && !placeholderProblem(form.body)) checkBodyParams(form.body, form.bodyParams, ctx);
      if (form.kind === "order_status" && form.buttonParam) {
        ctx.addIssue({ code: "custom", path: ["buttonParam"], message: "Leave it empty: the order-status template's button carries the order itself." });
      }
    },
    // Also when another field failed, so that every problem is reported at once.
    { when: () => true },
  )
  .transform((form) => ({ ...form, bodyParams: placeholdersIn(form.body).map((n) => form.bodyParams[n - 1]?.trim() ?? "") }));

/** One choice per placeholder, each an app variable. */
function checkBodyParams(body: string, params: Array<string | undefined>, ctx: z.RefinementCtx): void {
  placeholdersIn(body).forEach((n) => {
    const chosen = params[n - 1]?.trim() ?? "";
    const path = ["bodyParams", String(n)];
    if (chosen === "") ctx.addIssue({ code: "custom", path, message: `Choose what fills {{${n}}}.` });
    else if (!isTemplateVariable(chosen)) ctx.addIssue({ code: "custom", path, message: "Choose one of the app's variables." });
  });
}

/** The posted `bodyParams.1`, `bodyParams.2` ... as a list, {{1}} first (at most 999 are read). */
function postedBodyParams(raw: Record<string, unknown>): Array<string | undefined> {
  const params: Array<string | undefined> = [];
  for (const [name, value] of Object.entries(raw)) {
    const match = /^bodyParams\.([1-9]\d{0,2})$/.exec(name);
    if (match && typeof value === "string") params[Number(match[1]) - 1] = value;
  }
  // Holes (a placeholder nobody mapped) become undefined, which the schema reports.
  return Array.from(params, (value) => value);
}

export interface WhatsAppTemplateForm {
  /** The template being edited; absent when one is added. */
  id?: string;
  kind: TemplateKind;
  status: OrderStatus;
  language: string;
  name: string;
  body: string;
  bodyParams: string[];
  headerParam: string | null;
  buttonParam: string | null;
}

export type ParsedWhatsAppTemplate = { ok: true; template: WhatsAppTemplateForm } | { ok: false; errors: FieldErrors };

export function parseWhatsAppTemplateForm(raw: Record<string, unknown>): ParsedWhatsAppTemplate {
  const parsed = formSchema.safeParse({ ...raw, bodyParams: postedBodyParams(raw) });
  if (!parsed.success) return { ok: false, errors: fieldErrorsOf(parsed.error) };
  return { ok: true, template: parsed.data };
}

export type SaveWhatsAppTemplateResult = { ok: true; id: string } | { ok: false; errors: FieldErrors };

/**
 * Stores one mapping. Its status, kind and language name it: saving one that is already
 * there replaces it, and an edit that changes them moves the edited template (its old row goes).
 */
export async function saveWhatsAppTemplateForm(deps: AdminDeps, shopDomain: string, raw: Record<string, unknown>): Promise<SaveWhatsAppTemplateResult> {
  const parsed = parseWhatsAppTemplateForm(raw);
  if (!parsed.ok) return parsed;
  const { id: editedId, bodyParams, ...template } = parsed.template;
  const now = deps.now();
  const id = await deps.sql.transaction(async (tx) => {
    if (editedId) await deleteWhatsAppTemplate(tx, shopDomain, editedId);
    return saveWhatsAppTemplate(tx, shopDomain, { ...template, bodyParams: JSON.stringify(bodyParams) }, now);
  });
  return { ok: true, id };
}

/** Removes one of the shop's templates; another shop's id removes nothing. */
export async function removeWhatsAppTemplate(deps: AdminDeps, shopDomain: string, id: string): Promise<boolean> {
  return deleteWhatsAppTemplate(deps.sql, shopDomain, id);
}

export type TemplateTestResult = { ok: true; report: TestSendReport } | { ok: false; errors: FieldErrors };

type Credentials = { ok: true; creds: KaleyraCredentialsInput; shop: ShopRecord } | { ok: false; errors: FieldErrors };

/** The shop's saved credentials with the key decrypted, or why there are none (Settings' words). */
async function shopCredentials(deps: AdminDeps, shopDomain: string): Promise<Credentials> {
  const shop = await readShop(deps.sql, shopDomain);
  if (!shop?.kaleyraSid || !shop.apiKeyCipher || !shop.businessNumber) {
    return { ok: false, errors: { form: "Save your Kaleyra SID, API key and WhatsApp business number in Settings first." } };
  }
  try {
    const apiKey = decryptSecret(shop.apiKeyCipher, deps.encryptionKey);
    return { ok: true, shop, creds: { sid: shop.kaleyraSid, apiKey, businessNumber: shop.businessNumber, pod: shop.pod } };
  } catch (error) {
    if (!(error instanceof SecretDecryptionError)) throw error;
    return { ok: false, errors: { form: "The stored API key can no longer be read. Enter your Kaleyra API key again in Settings." } };
  }
}

/** The test message: the template filled with the sample order; an order-status template updates a sample reference. */
export function templateTestMessage(row: WhatsAppTemplateRecord, to: string, values: TemplateValues): TemplateMessageInput {
  const message: TemplateMessageInput = {
    form: row.kind === "order_status" ? "order_status_template" : "template",
    to,
    name: row.name,
    language: row.language,
    params: templateParamsFor(row, values),
    ref: TEST_REFERENCE_ID,
    ref2: row.shopDomain,
  };
  if (row.kind === "order_status" && isOrderStatus(row.status)) message.order = { referenceId: TEST_REFERENCE_ID, status: row.status };
  return message;
}

/** A template goes through WhatsApp's own check after Kaleyra accepts it, so the advice says where to look. */
const TEMPLATE_ACTIONS: Partial<Record<OutcomeKey, string>> = {
  accepted: "WhatsApp checks the template's name, language and parameters next: if the test does not arrive within a minute, compare them with WhatsApp Manager.",
  "rejected:payload": "This test was not sent. Compare the template's name, language and placeholders with WhatsApp Manager, then send the test again.",
};

function reportOf(outcome: KaleyraOutcome): TestSendReport {
  const key = outcomeKey(outcome);
  const help = testSendHelp(key);
  return {
    ok: outcome.kind === "accepted",
    code: "code" in outcome ? outcome.code : null,
    httpStatus: "httpStatus" in outcome ? (outcome.httpStatus ?? null) : null,
    title: help.title,
    explanation: help.explanation,
    action: TEMPLATE_ACTIONS[key] ?? help.action,
    detail: "detail" in outcome ? outcome.detail : null,
    messageId: outcome.kind === "accepted" ? outcome.messageId : null,
  };
}

/**
 * Sends one of the shop's templates, filled with the sample order, to the number the
 * merchant typed, and reports Kaleyra's answer. Nothing about the shop changes: the
 * credentials' verification belongs to the Settings test.
 */
export async function sendTemplateTest(
  deps: AdminDeps,
  shopDomain: string,
  templateId: string,
  to: unknown,
  kaleyra?: KaleyraClient,
): Promise<TemplateTestResult> {
  const parsed = testSendFormSchema.safeParse({ to });
  if (!parsed.success) return { ok: false, errors: fieldErrorsOf(parsed.error) };
  const row = await findWhatsAppTemplate(deps.sql, shopDomain, templateId);
  if (!row) return { ok: false, errors: { form: "This template is no longer saved. Reload the page." } };
  const credentials = await shopCredentials(deps, shopDomain);
  if (!credentials.ok) return credentials;

  const values = { ...SAMPLE_VALUES, shop_name: shopDisplayName(credentials.shop) };
  const client = kaleyra ?? createKaleyraClient({ baseUrlOverride: config().KALEYRA_BASE_URL });
  try {
    const { outcome } = await client.send(credentials.creds, templateTestMessage(row, parsed.data.to, values));
    return { ok: true, report: reportOf(outcome) };
  } finally {
    if (!kaleyra) await client.close();
  }
}
