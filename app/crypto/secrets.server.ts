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
    super("stored secret cannot be decrypted with any key in ENCRYPTION_KEY");
  }
}

/**
 * ENCRYPTION_KEY is a key ring: one or more base64 keys of 32 bytes, comma-separated, newest
 * first. Secrets are written under the newest; reading tries each in turn (the GCM tag tells
 * a wrong key), so a new key can be put in front while stored secrets still read under the
 * previous ones until `npm run keys:rotate` has re-encrypted them.
 */
export function keyRing(ring: string): string[] {
  return ring
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
}

/** Why one key ring entry is unusable, or undefined when it is a base64 key of 32 bytes. */
export function keyEntryProblem(entry: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(entry) || Buffer.from(entry, "base64").length !== 32) {
    return "must be 32 random bytes encoded as base64 (`openssl rand -base64 32`)";
  }
  return undefined;
}

function keyBytes(base64Key: string): Buffer {
  const key = Buffer.from(base64Key, "base64");
  if (key.length !== 32) throw new Error("ENCRYPTION_KEY must be 32 bytes (base64)");
  return key;
}

function newestKey(ring: string): string {
  const [newest] = keyRing(ring);
  if (!newest) throw new Error("ENCRYPTION_KEY holds no key");
  return newest;
}

/** Encrypts under the newest key of the ring. */
export function encryptSecret(plain: string, ring: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyBytes(newestKey(ring)), nonce);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, nonce.toString("base64url"), tag.toString("base64url"), data.toString("base64url")].join(".");
}

function decryptWith(parts: { nonce: string; tag: string; data: string }, base64Key: string): string | undefined {
  try {
    const decipher = createDecipheriv("aes-256-gcm", keyBytes(base64Key), Buffer.from(parts.nonce, "base64url"));
    decipher.setAuthTag(Buffer.from(parts.tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(parts.data, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    return undefined;
  }
}

/** The secret and the position (0 = newest) of the key that read it; throws SecretDecryptionError. */
export function openSecret(stored: string, ring: string): { plain: string; keyIndex: number } {
  const [version, nonce, tag, data] = stored.split(".");
  if (version !== VERSION || !nonce || !tag || data === undefined) throw new SecretDecryptionError();
  const keys = keyRing(ring);
  for (const [keyIndex, key] of keys.entries()) {
    const plain = decryptWith({ nonce, tag, data }, key);
    if (plain !== undefined) return { plain, keyIndex };
  }
  throw new SecretDecryptionError();
}

export function decryptSecret(stored: string, ring: string): string {
  return openSecret(stored, ring).plain;
}

/** True when the text has the form of a stored secret (an access token from before encryption does not). */
export function isEncryptedSecret(value: string): boolean {
  return /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(value);
}

/** True when a secret is stored and no key of the ring reads it. */
export function isKeyUnreadable(stored: string | null, ring: string): boolean {
  if (!stored) return false;
  try {
    openSecret(stored, ring);
    return false;
  } catch (error) {
    if (error instanceof SecretDecryptionError) return true;
    throw error;
  }
}

/** What the admin shows of a stored key: its last four characters. */
export function lastFour(plain: string): string {
  return plain.slice(-4);
}
