/**
 * `npm run shop -- <domain> status | configure … | resume | test-send <number> | callbacks | consent-import`: a shop's
 * Kaleyra settings for support and for deployments without the admin at hand. Reads the
 * app's configuration (and .env) like the server; see app/operator/.
 */
import { adminDeps } from "../app/admin/deps.server";
import { configOrExit } from "../app/config.server";
import { migrate } from "../app/db/migrate.server";
import { closeSql } from "../app/db/sql-instance.server";
import { parseShopCommand } from "../app/operator/shop-command";
import { runShopCommand } from "../app/operator/shop-command.server";

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write("Kaleyra API key (then Enter; empty keeps the stored key): ");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    // One line is the key; an interactive operator should not need Ctrl-D.
    if (process.stdin.isTTY && Buffer.concat(chunks).includes(10)) break;
  }
  return Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "";
}

async function readAll(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const parsed = parseShopCommand(process.argv.slice(2));
if (!parsed.ok) {
  process.stderr.write(`${parsed.error}\n`);
  process.exit(2);
}
const env = configOrExit();
await migrate(env.DATABASE_URL);
const code = await runShopCommand(adminDeps(), parsed.command, {
  readApiKey: readStdin,
  readInput: readAll,
  print: (line) => process.stdout.write(`${line}\n`),
});
await closeSql();
process.exit(code);
