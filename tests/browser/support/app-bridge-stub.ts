/**
 * A local stand-in for App Bridge's CDN script (https://cdn.shopify.com/shopifycloud/app-bridge.js),
 * served by the browser tests at the HTTP edge instead of the real one: the tests run
 * offline and outside the Shopify admin.
 *
 * It does what the app relies on App Bridge for, the way App Bridge does it:
 * - `fetch` to the app's own origin carries `Authorization: Bearer <fresh session token>`
 *   (Remix's data requests and form posts authenticate that way); the token comes from
 *   `window.__mintSessionToken`, a function the test exposes from Node, so the app's secret
 *   never enters the page;
 * - `window.shopify` with `idToken()`, `toast`, `saveBar`, `loading` (recorded), `config`;
 * - the `ui-nav-menu` and `ui-save-bar` custom elements (hidden: the admin draws them
 *   outside the app's frame).
 *
 * What the admin would show is recorded on `window.__appBridgeStub` (toasts, which save bars
 * are open) and the admin's side can be played: `navigate(href)` clicks a nav-menu link,
 * `clickSaveBar(id, "save" | "discard")` presses a save bar button.
 */
export const APP_BRIDGE_URL = "https://cdn.shopify.com/shopifycloud/app-bridge.js";

export interface AppBridgeStubState {
  toasts: Array<{ message: string; isError: boolean }>;
  saveBars: Record<string, boolean>;
  /** Every `shopify.loading(on)` call, in order: the admin's loading bar. */
  loading: boolean[];
}

export function appBridgeStubScript(config: { apiKey: string; shop: string; host: string }): string {
  return `(() => {
  "use strict";
  const state = { toasts: [], saveBars: {}, loading: [] };
  const mint = () => window.__mintSessionToken();
  const appOrigin = window.location.origin;
  const nativeFetch = window.fetch.bind(window);

  window.fetch = async (input, init) => {
    const request = new Request(input, init);
    if (new URL(request.url, window.location.href).origin === appOrigin) {
      request.headers.set("Authorization", "Bearer " + (await mint()));
    }
    return nativeFetch(request);
  };

  class UiNavMenu extends HTMLElement {
    connectedCallback() { this.style.display = "none"; }
  }
  class UiSaveBar extends HTMLElement {
    connectedCallback() { this.style.display = "none"; }
    get showing() { return state.saveBars[this.id] === true; }
    show() { state.saveBars[this.id] = true; this.dispatchEvent(new Event("show")); return Promise.resolve(); }
    hide() { state.saveBars[this.id] = false; this.dispatchEvent(new Event("hide")); return Promise.resolve(); }
    toggle() { return this.showing ? this.hide() : this.show(); }
  }
  customElements.define("ui-nav-menu", UiNavMenu);
  customElements.define("ui-save-bar", UiSaveBar);

  window.shopify = {
    config: ${JSON.stringify({ ...config, locale: "en" })},
    environment: { embedded: true, mobile: false, pos: false },
    idToken: mint,
    loading(on) { state.loading.push(Boolean(on)); },
    toast: {
      show(message, options) {
        state.toasts.push({ message: String(message), isError: Boolean(options && options.isError) });
        return String(state.toasts.length);
      },
      hide() {},
    },
    saveBar: {
      show: (id) => document.getElementById(id)?.show(),
      hide: (id) => document.getElementById(id)?.hide(),
      toggle: (id) => document.getElementById(id)?.toggle(),
      leaveConfirmation: () => Promise.resolve(),
    },
  };

  window.__appBridgeStub = {
    state,
    navigate(href) {
      const link = document.querySelector('ui-nav-menu a[href="' + href + '"]');
      if (!link) throw new Error("no nav menu link to " + href);
      link.dispatchEvent(new CustomEvent("shopify:navigate", { bubbles: true }));
    },
    clickSaveBar(id, which) {
      const bar = document.getElementById(id);
      if (!bar || !bar.showing) throw new Error("save bar " + id + " is not shown");
      const selector = which === "save" ? 'button[variant="primary"]' : 'button:not([variant="primary"])';
      bar.querySelector(selector).click();
    },
  };
})();
`;
}
