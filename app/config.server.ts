import { z } from "zod";
import { keyEntryProblem } from "./crypto/secrets.server";
import { KALEYRA_DEADLINE_MS } from "./kaleyra/deadline";
import { previewProblem } from "./preview/guard";
import { SHOP_DOMAIN } from "./shops/domain";

/**
 * The app's whole configuration, read once from the environment. A missing or invalid
 * variable stops start-up with a message that names every one of them.
 */
const keyRingSchema = z
  .string({ error: "is required (32 random bytes, base64: `openssl rand -base64 32`)" })
  .superRefine((value, ctx) => {
    const entries = value.split(",").map((entry) => entry.trim());
    entries.forEach((entry, index) => {
      const problem = entry === "" ? "is empty" : keyEntryProblem(entry);
      if (!problem) return;
      const which = entries.length === 1 ? "" : ` (key ${index + 1} of ${entries.length}, newest first)`;
      ctx.addIssue({ code: "custom", message: `${problem}${which}` });
    });
    if (new Set(entries).size !== entries.length) ctx.addIssue({ code: "custom", message: "lists the same key twice" });
  });

const databaseUrl = z
  .string({ error: "is required (file:./data/app.sqlite or postgresql://...)" })
  .refine(
    (value) => /^file:.+/.test(value) || /^postgres(ql)?:\/\/.+/.test(value),
    "must start with file: (SQLite) or postgresql:// (PostgreSQL)",
  );

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

/**
 * How long a claimed message belongs to its worker before another may take it over
 * (WORKER_LEASE_MS), by default.
 */
export const LEASE_MS = 60_000;

/**
 * The shortest safe lease: a send may take Kaleyra's whole deadline, and its outcome must be
 * written before the lease ends, or another pass would send the message again.
 */
export const MIN_LEASE_MS = KALEYRA_DEADLINE_MS + 5_000;

export const configSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  SHOPIFY_API_KEY: z.string({ error: "is required (the app's client id)" }).min(1, "is required"),
  SHOPIFY_API_SECRET: z
    .string({ error: "is required (the app's client secret)" })
    .min(1, "is required"),
  SHOPIFY_APP_URL: httpUrl,
  SCOPES: z
    .string()
    .default("read_orders,read_fulfillments")
    .transform((value) =>
      value
        .split(",")
        .map((scope) => scope.trim())
        .filter(Boolean),
    ),
  DATABASE_URL: databaseUrl,
  /** Key ring: the newest key first, then previous ones still needed to read (comma-separated). */
  ENCRYPTION_KEY: keyRingSchema,
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** The address to listen on; unset means every interface. */
  HOST: z
    .string()
    .regex(/^[A-Za-z0-9.:-]+$/, "must be a host name or IP address (127.0.0.1, ::1, 0.0.0.0)")
    .optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** For the local Kaleyra sandbox and tests only: replaces every pod's domain. */
  KALEYRA_BASE_URL: httpUrl.optional(),
  /** Run the delivery worker inside the web process (the default) or not. */
  RUN_WORKER: z
    .enum(["true", "false", "1", "0"])
    .default("true")
    .transform((value) => value === "true" || value === "1"),
  /**
   * Hours during which messages to a number WhatsApp called unreachable (131026: not on
   * WhatsApp, or too old a version) are skipped instead of sent; 0 never skips.
   */
  UNREACHABLE_SKIP_HOURS: z.coerce.number().int().min(0).max(8760).default(72),
  /** Messages per second per WhatsApp business number (WhatsApp's default tier is 80). */
  SEND_RATE_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(80),
  /**
   * How long a claimed message belongs to its worker (ms). A worker that dies mid-send leaves
   * its messages to be sent again once the lease runs out. Shorter than Kaleyra's deadline
   * plus the time to record would let a slow send be taken over while still in flight.
   */
  WORKER_LEASE_MS: z.coerce
    .number()
    .int()
    .min(MIN_LEASE_MS, `must be at least ${MIN_LEASE_MS} ms: Kaleyra's ${KALEYRA_DEADLINE_MS} ms deadline and 5 s to record the outcome`)
    .max(3_600_000)
    .default(LEASE_MS),
  /**
   * Development only: the shop whose embedded admin opens on this machine without Shopify
   * (app/preview/). Refused in production and unless SHOPIFY_APP_URL is a loopback URL.
   */
  ADMIN_PREVIEW_SHOP: z
    .string()
    .regex(SHOP_DOMAIN, "must be a shop domain (demo-shop.myshopify.com)")
    .optional(),
}).superRefine((value, context) => {
  if (value.ADMIN_PREVIEW_SHOP === undefined) return;
  const problem = previewProblem({ NODE_ENV: value.NODE_ENV, SHOPIFY_APP_URL: value.SHOPIFY_APP_URL });
  if (problem) context.addIssue({ code: "custom", path: ["ADMIN_PREVIEW_SHOP"], message: problem });
});

export type AppConfig = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses an environment; throws a ConfigError naming every bad variable. */
export function parseConfig(env: Record<string, string | undefined>): AppConfig {
  // An empty value in a .env file means "not set".
  const cleaned: Record<string, string | undefined> = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ""),
  );
  // `shopify app dev` passes the tunnel URL in HOST as well as in SHOPIFY_APP_URL; Shopify's
  // own template drops it the same way. A URL is never an address to listen on.
  if (cleaned.HOST?.includes("://")) delete cleaned.HOST;
  const result = configSchema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join(".") || "environment";
    return `${name} ${issue.message}`;
  });
  throw new ConfigError(problems);
}

let cached: AppConfig | undefined;

/** The process's configuration, parsed on first use. */
export function config(): AppConfig {
  cached ??= parseConfig(process.env);
  return cached;
}

/** Tests change the environment between cases. */
export function resetConfigForTests(): void {
  cached = undefined;
}

/** For process entries: the configuration, or exit 1 with the message naming every bad variable. */
export function configOrExit(): AppConfig {
  try {
    return config();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // The operator reads this on the terminal.
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
