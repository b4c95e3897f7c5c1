/**
 * The operator's shop command, through the admin's own code paths: the Settings page's
 * validation and encryption (saveSettings), its test send (sendTestMessage) and the outbox's
 * resume. What it prints never contains the API key, only its last four characters.
 */
import { parseConsentImport } from "../consent/import";
import { saveConsent } from "../db/repositories/shoppers.server";
import { shopStateCounts } from "../db/repositories/messages.server";
import { readShop } from "../db/repositories/shops.server";
import type { AdminDeps } from "../admin/deps.server";
import { callbackUrl, inboundUrl, loadSettings, saveSettings, sendTestMessage } from "../admin/settings.server";
import type { KaleyraClient } from "../kaleyra/client.server";
import { logger } from "../logger.server";
import { announceQueuedMessages } from "../outbox/notify.server";
import { resumeShop } from "../outbox/pause.server";
import { CALLBACK_SECRET_HEADER, issueCallbackCredentials } from "../receipts/receive.server";
import type { ShopCommand } from "./shop-command";

export interface ShopCommandIo {
  /** The API key, read from stdin only when `configure` needs it. */
  readApiKey(): Promise<string>;
  /** All of stdin, for `consent-import`. */
  readInput(): Promise<string>;
  print(line: string): void;
  kaleyra?: KaleyraClient;
}

/** The admin form's field names as the command's flags, for error messages. */
const FLAG_OF: Record<string, string> = {
  kaleyraSid: "--sid",
  businessNumber: "--number",
  pod: "--pod",
  apiKey: "API key (stdin)",
  to: "number",
};

/** Runs the command; the process's exit code. */
export async function runShopCommand(deps: AdminDeps, command: ShopCommand, io: ShopCommandIo): Promise<number> {
  switch (command.kind) {
    case "status":
      return status(deps, command.shop, io);
    case "configure":
      return configure(deps, command, io);
    case "resume":
      return resume(deps, command.shop, io);
    case "test-send":
      return testSend(deps, command.shop, command.to, io);
    case "callbacks":
      return callbacks(deps, command.shop, io);
    case "consent-import":
      return importConsents(deps, command.shop, io);
  }
}

/** Consents the shop holds, recorded as an import (the latest word per shopper counts). */
async function importConsents(deps: AdminDeps, shop: string, io: ShopCommandIo): Promise<number> {
  if (!(await readShop(deps.sql, shop))) {
    io.print(`${shop}: no settings stored`);
    return 1;
  }
  const read = parseConsentImport(await io.readInput());
  if (!read.ok) {
    io.print(`${shop}: nothing was imported`);
    for (const error of read.errors) io.print(`  ${error}`);
    return 1;
  }
  const now = deps.now();
  await deps.sql.transaction(async (tx) => {
    for (const row of read.rows) await saveConsent(tx, shop, row.phone, { consent: row.consent, at: now, source: "import", wording: row.wording }, now);
  });
  const out = read.rows.filter((row) => row.consent === "opted_out").length;
  io.print(`${shop}: ${read.rows.length} consents recorded (${read.rows.length - out} opted in, ${out} opted out)`);
  return 0;
}

/** New callback credentials, printed once: the secret is stored encrypted and shown nowhere else. */
async function callbacks(deps: AdminDeps, shop: string, io: ShopCommandIo): Promise<number> {
  if (!(await readShop(deps.sql, shop))) {
    io.print(`${shop}: no settings stored`);
    return 1;
  }
  const { token, secret } = await issueCallbackCredentials(deps.sql, shop, deps.now());
  io.print(`${shop}: in Kaleyra's console, give the WhatsApp number a callback profile with`);
  io.print(`  URL      ${callbackUrl(deps.appUrl, token)}`);
  io.print(`  header   ${CALLBACK_SECRET_HEADER}: ${secret}`);
  io.print("  (or Basic auth with any user name and the secret as its password)");
  io.print(`  and set the number's Incoming URL to ${inboundUrl(deps.appUrl, token)} with the same header`);
  return 0;
}

async function status(deps: AdminDeps, shop: string, io: ShopCommandIo): Promise<number> {
  const row = await readShop(deps.sql, shop);
  if (!row) {
    io.print(`${shop}: no settings stored`);
    return 1;
  }
  const settings = await loadSettings(deps, shop);
  const key = settings.apiKeyLast4 === null ? "none" : settings.apiKeyUnreadable ? "stored, unreadable with this ENCRYPTION_KEY" : `…${settings.apiKeyLast4}`;
  const counts = await shopStateCounts(deps.sql, shop);
  io.print(`${shop}`);
  io.print(`  installed        ${row.installed ? "yes" : "no"}`);
  io.print(`  sending          ${settings.enabled ? "on" : "off"}`);
  io.print(`  Kaleyra SID      ${settings.kaleyraSid || "none"}`);
  io.print(`  API key          ${key}`);
  io.print(`  pod              ${settings.pod}`);
  io.print(`  business number  ${settings.businessNumber || "none"}`);
  io.print(`  verified         ${settings.credentialsVerifiedAt ?? "no"}`);
  io.print(`  paused           ${row.pausedReason ? `${row.pausedReason}${row.pausedCode ? ` (${row.pausedCode})` : ""}${row.pausedDetail ? `: ${row.pausedDetail}` : ""}` : "no"}`);
  io.print(`  messages         ${counts.length ? counts.map((c) => `${c.state} ${Number(c.n)}`).join(", ") : "none"}`);
  return 0;
}

async function configure(deps: AdminDeps, command: Extract<ShopCommand, { kind: "configure" }>, io: ShopCommandIo): Promise<number> {
  // What the command does not set keeps its stored value, as an untouched field of the form does.
  const current = await loadSettings(deps, command.shop);
  const apiKey = (await io.readApiKey()).trim();
  const form: Record<string, unknown> = {
    kaleyraSid: command.sid,
    apiKey,
    pod: command.pod,
    businessNumber: command.number,
    enabled: String(command.enabled ?? current.enabled),
    referenceIdSource: current.referenceIdSource,
    referenceIdAttribute: current.referenceIdAttribute,
    sendProcessingOnCreate: String(current.sendProcessingOnCreate),
    messageForm: command.form ?? current.messageForm,
  };
  const result = await saveSettings(deps, command.shop, form);
  if (!result.ok) {
    io.print(`${command.shop}: nothing was saved`);
    for (const [field, message] of Object.entries(result.errors)) io.print(`  ${FLAG_OF[field] ?? field}: ${message}`);
    return 1;
  }
  const saved = await loadSettings(deps, command.shop);
  io.print(`${command.shop}: saved (API key …${saved.apiKeyLast4}, sending ${saved.enabled ? "on" : "off"}, message form ${saved.messageForm})`);
  if (result.resumedMessages > 0) io.print(`  ${result.resumedMessages} paused messages queued again`);
  return 0;
}

async function resume(deps: AdminDeps, shop: string, io: ShopCommandIo): Promise<number> {
  const row = await readShop(deps.sql, shop);
  if (!row) {
    io.print(`${shop}: no settings stored`);
    return 1;
  }
  if (!row.pausedReason) {
    io.print(`${shop}: not paused`);
    return 0;
  }
  const resumed = await deps.sql.transaction((tx) => resumeShop(tx, shop, deps.now()));
  if (resumed > 0) announceQueuedMessages(deps.sql, logger);
  io.print(`${shop}: resumed (was ${row.pausedReason}); ${resumed} messages queued again`);
  return 0;
}

async function testSend(deps: AdminDeps, shop: string, to: string, io: ShopCommandIo): Promise<number> {
  const result = await sendTestMessage(deps, shop, { to }, io.kaleyra);
  if (!result.ok) {
    io.print(`${shop}: no test message sent`);
    for (const [field, message] of Object.entries(result.errors)) io.print(`  ${FLAG_OF[field] ?? field}: ${message}`);
    return 1;
  }
  const { report } = result;
  io.print(`${shop}: ${report.title}${report.code ? ` (${report.code}${report.httpStatus ? `, HTTP ${report.httpStatus}` : ""})` : ""}`);
  io.print(`  ${report.explanation}`);
  if (report.action) io.print(`  ${report.action}`);
  if (report.messageId) io.print(`  message id ${report.messageId}`);
  return report.ok ? 0 : 1;
}
