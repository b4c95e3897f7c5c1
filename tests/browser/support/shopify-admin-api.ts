/**
 * Shopify's Admin API for one shop, at the HTTP edge (undici's MockAgent behind the app's
 * fetch): the app and the sandbox stay on real loopback HTTP. It answers the library's
 * access-scopes query (`scopes.query()`) with what Shopify would say the installation holds,
 * and keeps every request so the test can assert its shape.
 */
import { MockAgent, getGlobalDispatcher, setGlobalDispatcher } from "undici";

export interface AdminApiRequest {
  query: string;
  accessToken: string;
}

export interface ShopifyScopesApi {
  requests: AdminApiRequest[];
  restore(): void;
}

export function shopifyScopesApi(shop: string, scopes: { required: string[]; granted: string[] }): ShopifyScopesApi {
  const previous = getGlobalDispatcher();
  const mock = new MockAgent();
  mock.disableNetConnect();
  mock.enableNetConnect(/127\.0\.0\.1/);
  const requests: AdminApiRequest[] = [];
  const handles = (list: string[]) => list.map((handle) => ({ handle }));
  mock
    .get(`https://${shop}`)
    .intercept({ path: /\/admin\/api\/2026-07\/graphql\.json/, method: "POST" })
    .reply((options) => {
      const headers = options.headers as Record<string, string>;
      requests.push({
        query: (JSON.parse(String(options.body)) as { query: string }).query,
        accessToken: headers["X-Shopify-Access-Token"] ?? headers["x-shopify-access-token"] ?? "",
      });
      const app = {
        requestedAccessScopes: handles(scopes.required),
        optionalAccessScopes: [],
        installation: { accessScopes: handles(scopes.granted) },
      };
      return { statusCode: 200, data: { data: { app } }, responseOptions: { headers: { "content-type": "application/json" } } };
    })
    .persist();
  setGlobalDispatcher(mock);
  return {
    requests,
    restore() {
      setGlobalDispatcher(previous);
      // Not awaited: close waits for the pass-through keep-alive sockets to idle out.
      void mock.close().catch(() => {});
    },
  };
}
