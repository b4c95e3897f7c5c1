import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * Secrets at rest (the shops' Kaleyra API keys): AES-256-GCM under ENCRYPTION_KEY, a fresh
 * 96-bit nonce per write, the auth tag checked on read. Stored as `v1.<nonce>.<tag>.<data>`
 * (base64url) so that the format can change later.
 */
const VERSION = "v1";

export class SecretDecryptionError extends Error {
  override name = "SecretDecryptionError";
  constructor() {
    // Never echo the stored value or the key.
    super("stored secret cannot be decrypted with the current ENCRYPTION_KEY");
  }
}

function keyBytes(base64Key: string): Buffer {
  const key = Buffer.from(base64Key, "base64");
  if (key.length !== 32) throw new Error("ENCRYPTION_KEY must be 32 bytes (base64)");
  return key;
}

export function encryptSecret(plain: string, base64Key: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyBytes(base64Key), nonce);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, nonce.toString("base64url"), tag.toString("base64url"), data.toString("base64url")].join(".");
}

export function decryptSecret(stored: string, base64Key: string): string {
  const [version, nonce, tag, data] = stored.split(".");
  if (version !== VERSION || !nonce || !tag || data === undefined) throw new SecretDecryptionError();
  try {
    const decipher = createDecipheriv("aes-256-gcm", keyBytes(base64Key), Buffer.from(nonce, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretDecryptionError();
  }
}

/** What the admin shows of a stored key: its last four characters. */
export function lastFour(plain: string): string {
  return plain.slice(-4);
}
