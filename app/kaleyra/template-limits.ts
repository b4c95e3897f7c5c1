/**
 * WhatsApp's rules for what a template message is filled with: the limits, the name and
 * language patterns, and how a parameter is folded onto one line. No zod here, so the
 * admin pages that check a template as the merchant types keep a small browser bundle;
 * template-request.ts builds its schema from these and re-exports them.
 */

/** WhatsApp's limits for what a template is filled with. */
export const TEMPLATE_LIMITS = {
  /** A template's name as Meta stores it. */
  name: 512,
  /** One body parameter, and the body as sent (Meta: 1,024 characters). */
  bodyParameter: 1024,
  /** The header's text, parameter included (Meta: 60 characters). */
  headerParameter: 60,
  /** The dynamic part of a URL button (Meta: the URL is at most 2,000 characters). */
  buttonParameter: 2000,
  /** WhatsApp's text message body. */
  text: 4096,
} as const;

/** Meta's template names: lower-case letters, digits and underscores. */
export const TEMPLATE_NAME_PATTERN = /^[a-z0-9_]{1,512}$/;
/** Meta's language codes: `en`, `en_US`, `pt_BR`, `zh_HK`. */
export const LANGUAGE_CODE_PATTERN = /^[a-z]{2,3}(_[A-Z]{2})?$/;

/** The filled parameters of one template message, as planned and kept in the log (Message.templateParams). */
export interface TemplateParameters {
  body: string[];
  header?: string;
  button?: string;
}

/**
 * Meta refuses a parameter with a new line, a tab or more than four spaces in a row (132000):
 * those are folded into one space rather than failing the message.
 */
export function foldParameter(text: string): string {
  return text.replace(/[\r\n\t]+/g, " ").replace(/ {5,}/g, "    ").trim();
}
