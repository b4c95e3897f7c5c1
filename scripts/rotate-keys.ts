/**
 * `npm run keys:rotate`: re-encrypts every stored secret under the newest key of
 * ENCRYPTION_KEY (see app/crypto/rotate.server.ts). Exits 1 while any secret is unreadable
 * by every key of the ring, naming the rows (never their contents).
 */
import { configOrExit } from "../app/config.server";
import { rotateStoredSecrets } from "../app/crypto/rotate.server";
import { openSqlDatabase } from "../app/db/sql.server";

const env = configOrExit();
const db = openSqlDatabase(env.DATABASE_URL);
try {
  const report = await rotateStoredSecrets(db, env.ENCRYPTION_KEY);
  console.log(`keys:rotate: ${report.rotated} re-encrypted under the newest key, ${report.current} already under it, ${report.unreadable.length} unreadable`);
  for (const row of report.unreadable) console.log(`  unreadable by every key: ${row}`);
  process.exitCode = report.unreadable.length > 0 ? 1 : 0;
} finally {
  await db.close();
}
