import pino, { type DestinationStream, type Logger } from "pino";

/**
 * Paths whose values are replaced before a line is written. Secrets should never be passed
 * to the logger at all; this is the second line of defence.
 */
export const REDACT_PATHS = [
  "apiKey",
  "api_key",
  "*.apiKey",
  "*.api_key",
  'headers["api-key"]',
  '*.headers["api-key"]',
  "accessToken",
  "*.accessToken",
  "refreshToken",
  "*.refreshToken",
  "ENCRYPTION_KEY",
  "*.ENCRYPTION_KEY",
  "SHOPIFY_API_SECRET",
  "*.SHOPIFY_API_SECRET",
  "encryptionKey",
  "*.encryptionKey",
  "password",
  "*.password",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  'headers["x-shopify-access-token"]',
  '*.headers["x-shopify-access-token"]',
];

export type { Logger };

export function createLogger(
  options: { level?: string; name?: string } = {},
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? "info",
      name: options.name,
      base: undefined,
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** The process-wide logger; modules take a child of it for their own name. */
export const logger: Logger = createLogger();
