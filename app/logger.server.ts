import pino, { type DestinationStream, type Logger } from "pino";
import { MAX_LOGGED_MESSAGE_CHARS } from "./server/limits";

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

/** A message cut to MAX_LOGGED_MESSAGE_CHARS, saying how long it was: no line grows with a request. */
export function boundedMessage(message: string): string {
  if (message.length <= MAX_LOGGED_MESSAGE_CHARS) return message;
  return `${message.slice(0, MAX_LOGGED_MESSAGE_CHARS)}… [${message.length - MAX_LOGGED_MESSAGE_CHARS} more characters]`;
}

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
      // Messages may quote a request (the Shopify library logs the URLs it redirects to).
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => (typeof arg === "string" ? boundedMessage(arg) : arg)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

/** The process-wide logger; modules take a child of it for their own name. */
export const logger: Logger = createLogger();
