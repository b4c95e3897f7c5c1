/** The shop's row as the pure admin modules read it (dashboard.ts, sending-state.ts). */
import type { ShopRecord } from "../db/repositories/shops.server";
import { isKeyUnreadable } from "../crypto/secrets.server";
import type { ShopStatus } from "./sending-state";

export { isKeyUnreadable };

export function shopStatus(
  shop: ShopRecord | null | undefined,
  encryptionKey: string,
  whatsAppTemplates = 0,
): ShopStatus {
  return {
    kaleyraSid: shop?.kaleyraSid ?? null,
    apiKeyStored: Boolean(shop?.apiKeyCipher),
    apiKeyUnreadable: isKeyUnreadable(shop?.apiKeyCipher ?? null, encryptionKey),
    businessNumber: shop?.businessNumber ?? null,
    enabled: shop?.enabled ?? false,
    installed: shop?.installed ?? true,
    pausedReason: shop?.pausedReason ?? null,
    pausedCode: shop?.pausedCode ?? null,
    pausedDetail: shop?.pausedDetail ?? null,
    pausedAt: shop?.pausedAt ?? null,
    resumeAt: shop?.resumeAt ?? null,
    credentialsVerifiedAt: shop?.credentialsVerifiedAt ?? null,
    testMessageSentAt: shop?.testMessageSentAt ?? null,
    templatesReviewedAt: shop?.templatesReviewedAt ?? null,
    callbacksConfigured: Boolean(shop?.callbackToken && shop.callbackSecretCipher),
    firstCallbackAt: shop?.firstCallbackAt ?? null,
    messageForm: shop?.messageForm ?? "auto",
    whatsAppTemplates,
  };
}

