import { replaceAccessToken, storedAccessTokens } from "../db/repositories/sessions.server";
import { replaceShopSecret, storedShopSecrets, type ShopSecretColumn } from "../db/repositories/shops.server";
import type { SqlExecutor } from "../db/sql.server";
import { encryptSecret, isEncryptedSecret, openSecret, SecretDecryptionError } from "./secrets.server";

/** Where secrets encrypted under ENCRYPTION_KEY are stored, and how to rewrite one. */
interface SecretStore {
  /** The table, for the report. */
  table: string;
  read(db: SqlExecutor): Promise<Array<{ id: string; secret: string }>>;
  /** Writes `next` only if the row still holds `expected`. */
  replace(db: SqlExecutor, id: string, expected: string, next: string): Promise<boolean>;
}

function shopSecrets(table: string, column: ShopSecretColumn): SecretStore {
  return {
    table,
    read: (db) => storedShopSecrets(db, column),
    replace: (db, id, expected, next) => replaceShopSecret(db, column, id, expected, next),
  };
}

/** Every stored secret: the shops' Kaleyra API keys and callback secrets, and Shopify's access tokens. */
const SECRET_STORES: readonly SecretStore[] = [
  shopSecrets("Shop", "apiKeyCipher"),
  shopSecrets("Shop.callbackSecret", "callbackSecretCipher"),
  { table: "Session", read: storedAccessTokens, replace: replaceAccessToken },
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
  for (const { table, read, replace } of SECRET_STORES) {
    for (const row of await read(db)) {
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
      if (await replace(db, row.id, row.secret, encryptSecret(opened.plain, ring))) report.rotated += 1;
    }
  }
  return report;
}
