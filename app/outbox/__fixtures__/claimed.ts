/**
 * A claimed message and a configured shop as the worker's parts take them, for the tests of
 * the planner and the sender: one shipped order to a US shopper, a shop with an Indian-pod
 * Kaleyra account whose key reads.
 */
import type { ClaimedMessage } from "../claim.server";
import type { ShopState } from "../planner";

export const BUSINESS_NUMBER = "+919876500001";
export const API_KEY = "Atest-api-key-0001";

export function claimedMessage(shopDomain: string, overrides: Partial<ClaimedMessage> = {}): ClaimedMessage {
  return {
    id: "msg-1",
    shopDomain,
    orderId: "820982911946154508",
    orderName: "#1001",
    orderStatus: "shipped",
    recipient: "+15025550147",
    referenceId: "820982911946154508",
    bodyText: "Hi Jane, your order #1001 has shipped.",
    description: null,
    attempts: 0,
    form: "interactive",
    templateName: null,
    templateLanguage: null,
    templateParams: null,
    ...overrides,
  };
}

export const configuredShop: ShopState = {
  installed: true,
  enabled: true,
  pausedReason: null,
  kaleyraSid: "HXAP16TEST0097IN",
  apiKeyCipher: "v1:stored-cipher",
  businessNumber: BUSINESS_NUMBER,
  pod: "IN",
};

/** A key reader for which the stored key reads. */
export const readableKey = () => ({ key: API_KEY });
