/**
 * The block's two requests to the app: one to show (GET, the current choice) and one per
 * change (POST). Each carries a fresh session token; the number goes in a header or the
 * body, never in the URL.
 */
import { APP_URL } from "./app-url";
import type { Answer, Choice, OptInState, ShownNumber } from "./opt-in";

export const THANK_YOU_ENDPOINT = "/api/opt-in/thank-you";
export const ORDER_STATUS_ENDPOINT = "/api/opt-in/order-status";

export interface OptInClient {
  load(): Promise<Answer>;
  save(choice: Choice, wording: string): Promise<Answer>;
}

export interface ClientOptions {
  endpoint: string;
  token: () => Promise<string>;
  orderId: string;
  number: ShownNumber;
}

async function answerOf(response: Response): Promise<Answer> {
  // 403 and 404: this order or number is not one the app will write to, so there is nothing to offer.
  if (response.status === 403 || response.status === 404) return { kind: "not_offered" };
  if (!response.ok) return { kind: "failed" };
  return { kind: "state", state: (await response.json()) as OptInState };
}

async function send(options: ClientOptions, init: { method: string; headers: Record<string, string>; body?: string }, query = ""): Promise<Answer> {
  try {
    const token = await options.token();
    const response = await fetch(`${APP_URL}${options.endpoint}${query}`, { ...init, headers: { ...init.headers, Authorization: `Bearer ${token}` } });
    return await answerOf(response);
  } catch {
    return { kind: "failed" };
  }
}

export function optInClient(options: ClientOptions): OptInClient {
  const { orderId, number } = options;
  return {
    load() {
      const query = `?order=${encodeURIComponent(orderId)}${number.country ? `&country=${number.country}` : ""}`;
      return send(options, { method: "GET", headers: { "X-Opt-In-Phone": number.phone } }, query);
    },
    save(choice, wording) {
      const body = JSON.stringify({ order: orderId, phone: number.phone, country: number.country, choice, wording });
      return send(options, { method: "POST", headers: { "Content-Type": "application/json" }, body });
    },
  };
}
