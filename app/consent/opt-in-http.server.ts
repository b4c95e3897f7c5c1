/**
 * The opt-in block's HTTP edge, shared by the thank-you and order-status routes: the session
 * token (Shopify's library checks its signature and times), the request read with zod, the
 * answer with the CORS headers an extension's fetch needs. The phone travels in a header or
 * the body, never in the URL, and no log line carries it.
 */
import { z } from "zod";
import { config } from "../config.server";
import { sql } from "../db/sql-instance.server";
import { logger } from "../logger.server";
import { customerIdOf, MAX_WORDING_LENGTH, orderIdOf, shopOf, type OptInSurface } from "./opt-in";
import { readOptIn, recordOptIn, type OptInAnswer, type OptInQuestion } from "./opt-in.server";

/** The header that carries the number the page shows on a GET. */
export const OPT_IN_PHONE_HEADER = "X-Opt-In-Phone";

interface TokenContext {
  sessionToken: { dest?: unknown; aud?: unknown; sub?: unknown };
  cors: (response: Response) => Response;
}

export type AuthenticateExtension = (request: Request, options?: { corsHeaders?: string[] }) => Promise<TokenContext>;

const log = logger.child({ module: "opt-in" });

const phone = z.string().trim().min(4).max(40);
const country = z.string().regex(/^[A-Z]{2}$/).nullish().transform((c) => c ?? null);
const order = z.string().max(100).transform(orderIdOf).pipe(z.string());

const questionSchema = z.object({ order, phone, country });
const choiceSchema = questionSchema.extend({
  choice: z.enum(["opted_in", "opted_out"]),
  // WhatsApp's opt-in must name WhatsApp (and the business, which the block's wording does).
  wording: z.string().trim().min(10).max(MAX_WORDING_LENGTH).refine((text) => /whatsapp/i.test(text), "the wording must name WhatsApp"),
});

function withCors(response: Response): Response {
  response.headers.set("Access-Control-Allow-Origin", "*");
  return response;
}

/** The token's shop and customer, or a 401 the page can read (CORS headers on it too). */
async function authenticated(request: Request, authenticate: AuthenticateExtension) {
  let context: TokenContext;
  try {
    context = await authenticate(request, { corsHeaders: [OPT_IN_PHONE_HEADER] });
  } catch (thrown) {
    // The library answers OPTIONS (204) and a bad token (401) by throwing a Response.
    if (thrown instanceof Response) throw withCors(thrown);
    throw thrown;
  }
  const shop = shopOf(context.sessionToken.dest);
  // The library does not check the audience for extension tokens; another app's token has no business here.
  if (!shop || context.sessionToken.aud !== config().SHOPIFY_API_KEY) throw withCors(new Response(undefined, { status: 401 }));
  return { shop, customerId: customerIdOf(context.sessionToken.sub), cors: context.cors };
}

function answer(surface: OptInSurface, question: Pick<OptInQuestion, "shop" | "orderId">, result: OptInAnswer, cors: (r: Response) => Response): Response {
  if (result.status !== 200) log.info({ shop: question.shop, surface, orderId: question.orderId, status: result.status, reason: result.reason }, "opt-in request refused");
  return cors(Response.json(result.body, { status: result.status }));
}

const invalid = (cors: (r: Response) => Response) => cors(Response.json({ error: "invalid" }, { status: 400 }));

/** GET: the block's state for the order and the number it shows. */
export async function optInLoader(surface: OptInSurface, request: Request, authenticate: AuthenticateExtension): Promise<Response> {
  const { shop, customerId, cors } = await authenticated(request, authenticate);
  const url = new URL(request.url);
  const parsed = questionSchema.safeParse({ order: url.searchParams.get("order"), country: url.searchParams.get("country"), phone: request.headers.get(OPT_IN_PHONE_HEADER) });
  if (!parsed.success) return invalid(cors);
  const question: OptInQuestion = { shop, surface, tokenCustomerId: customerId, orderId: parsed.data.order, phone: parsed.data.phone, country: parsed.data.country };
  return answer(surface, question, await readOptIn(sql(), question), cors);
}

/** POST: the shopper's choice (and the preflight, which the library answers). */
export async function optInAction(surface: OptInSurface, request: Request, authenticate: AuthenticateExtension): Promise<Response> {
  const { shop, customerId, cors } = await authenticated(request, authenticate);
  if (request.method !== "POST") return cors(new Response(undefined, { status: 405, headers: { Allow: "GET, POST, OPTIONS" } }));
  const parsed = choiceSchema.safeParse(await request.json().catch(() => undefined));
  if (!parsed.success) return invalid(cors);
  const { order: orderId, ...choice } = parsed.data;
  const choiceRequest = { shop, surface, tokenCustomerId: customerId, orderId, ...choice };
  const result = await recordOptIn(sql(), choiceRequest, new Date());
  if (result.status === 200) log.info({ shop, surface, orderId, choice: choice.choice, pending: result.body.pending }, "opt-in choice recorded");
  return answer(surface, choiceRequest, result, cors);
}
