import type { SqlExecutor } from "../db/sql.server";
import { encryptSecret, isEncryptedSecret, openSecret, SecretDecryptionError } from "./secrets.server";

/** A column that holds secrets encrypted under ENCRYPTION_KEY, and the key of its rows. */
interface SecretColumn {
  table: string;
  id: string;
  column: string;
}

/** Every stored secret: the shops' Kaleyra API keys and Shopify's access tokens. */
export const SECRET_COLUMNS: readonly SecretColumn[] = [
  { table: "Shop", id: "domain", column: "apiKeyCipher" },
  { table: "Session", id: "id", column: "accessToken" },
];

export interface RotationReport {
  /** Re-encrypted under the newest key. */
  rotated: number;
  /** Already under the newest key. */
  current: number;
  /** No key of the ring reads them ("Table.id"); they are left as they are. */
  unreadable: string[];
}

/**
 * `npm run keys:rotate`: re-encrypts every stored secret that an older key of the ring reads
 * under the newest one. A row is written only if it still holds what was read (a concurrent
 * save wins). Run it after putting a new key first in ENCRYPTION_KEY; once it reports nothing
 * unreadable, the older keys can be dropped from the ring.
 */
export async function rotateStoredSecrets(db: SqlExecutor, ring: string): Promise<RotationReport> {
  const report: RotationReport = { rotated: 0, current: 0, unreadable: [] };
  for (const { table, id, column } of SECRET_COLUMNS) {
    const rows = await db.query<{ id: string; secret: string | null }>(
      `SELECT "${id}" AS "id", "${column}" AS "secret" FROM "${table}" WHERE "${column}" IS NOT NULL`,
    );
    for (const row of rows) {
      // A clear-text access token from before encryption is encrypted on start, not here.
      if (!row.secret || !isEncryptedSecret(row.secret)) continue;
      let opened: { plain: string; keyIndex: number };
      try {
        opened = openSecret(row.secret, ring);
      } catch (error) {
        if (!(error instanceof SecretDecryptionError)) throw error;
        report.unreadable.push(`${table}.${row.id}`);
        continue;
      }
      if (opened.keyIndex === 0) {
        report.current += 1;
        continue;
      }
      const changed = await db.execute(
        `UPDATE "${table}" SET "${column}" = ? WHERE "${id}" = ? AND "${column}" = ?`,
        [encryptSecret(opened.plain, ring), row.id, row.secret],
      );
      report.rotated += changed;
    }
  }
  return report;
}
