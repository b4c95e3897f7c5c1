import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, isEncryptedSecret, lastFour, openSecret, SecretDecryptionError } from "./secrets.server";

const key = Buffer.alloc(32, 3).toString("base64");
const otherKey = Buffer.alloc(32, 4).toString("base64");

describe("secrets at rest", () => {
  it("GIVEN an API key WHEN encrypted twice THEN the texts differ (fresh nonce) and both decrypt", () => {
    const a = encryptSecret("Akey-1234", key);
    const b = encryptSecret("Akey-1234", key);
    expect(a).not.toBe(b);
    expect(a).not.toContain("Akey-1234");
    expect(decryptSecret(a, key)).toBe("Akey-1234");
    expect(decryptSecret(b, key)).toBe("Akey-1234");
  });

  it("GIVEN another ENCRYPTION_KEY WHEN decrypting THEN a clear error without the secret", () => {
    const stored = encryptSecret("Akey-1234", key);
    expect(() => decryptSecret(stored, otherKey)).toThrow(SecretDecryptionError);
    try {
      decryptSecret(stored, otherKey);
    } catch (error) {
      expect(String(error)).not.toContain("Akey");
    }
  });

  it("GIVEN a tampered ciphertext WHEN decrypting THEN the auth tag refuses it", () => {
    const stored = encryptSecret("Akey-1234", key);
    const parts = stored.split(".");
    const data = Buffer.from(parts[3] ?? "", "base64url");
    data[0] = (data[0] ?? 0) ^ 1;
    parts[3] = data.toString("base64url");
    expect(() => decryptSecret(parts.join("."), key)).toThrow(SecretDecryptionError);
    expect(() => decryptSecret("garbage", key)).toThrow(SecretDecryptionError);
  });

  it("GIVEN a key WHEN shown THEN only the last four characters", () => {
    expect(lastFour("Axxxxxxxxxxxxxxxxxx3f9a")).toBe("3f9a");
  });

  it("GIVEN a ring of the new key then the old one WHEN reading a secret the old key wrote THEN it reads, and new writes use the new key only", () => {
    const stored = encryptSecret("Akey-1234", otherKey);
    const ring = `${key},${otherKey}`;
    expect(openSecret(stored, ring)).toEqual({ plain: "Akey-1234", keyIndex: 1 });
    const rewritten = encryptSecret("Akey-1234", ring);
    expect(decryptSecret(rewritten, key)).toBe("Akey-1234");
    expect(() => decryptSecret(rewritten, otherKey)).toThrow(SecretDecryptionError);
  });

  it("GIVEN a ring none of whose keys wrote the secret WHEN reading THEN the same clear error", () => {
    const stored = encryptSecret("Akey-1234", Buffer.alloc(32, 9).toString("base64"));
    expect(() => decryptSecret(stored, `${key}, ${otherKey}`)).toThrow(SecretDecryptionError);
  });

  it("GIVEN stored values WHEN asked whether they are encrypted THEN a Shopify token in clear is not", () => {
    expect(isEncryptedSecret(encryptSecret("shpat_0123", key))).toBe(true);
    expect(isEncryptedSecret("shpat_0123456789abcdef")).toBe(false);
  });
});
