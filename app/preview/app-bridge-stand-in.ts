/**
 * The admin preview's stand-in for App Bridge's CDN script: what the embedded app relies on
 * App Bridge for, done the way App Bridge does it, so the app runs in an ordinary browser on
 * this machine instead of inside the Shopify admin.
 *
 * - `fetch` to the app's own origin carries `Authorization: Bearer <session token>`, as
 *   Remix's data requests and form posts need; tokens come from the preview's token
 *   endpoint, so the app's secret never enters the page;
 * - a 401 answer naming a URL in `X-Shopify-API-Request-Failure-Reauthorize-Url` (the
 *   library's redirect out of the app, such as to Shopify's grant screen) is where App Bridge
 *   would send the admin: recorded in `redirects` instead, as nothing leaves this machine;
 *   `grantScopes()` then plays the merchant approving and Shopify opening the app again;
 * - `window.shopify`: `idToken()`, `toast`, `saveBar`, `loading` (recorded), `config`;
 * - the `ui-nav-menu` and `ui-save-bar` elements: hidden in the app's page, their contents
 *   reported to the preview's admin shell (shell.ts) when the app runs in its frame, which
 *   draws them and sends the clicks back, the way the admin does. The menu is reported once
 *   the app has hydrated (its first App Bridge call, made from an effect): before that no one
 *   listens for `shopify:navigate`, and a click on a slow machine would be lost.
 *
 * What the admin would show is also kept on `window.__adminPreview.state` (toasts, open save
 * bars, nav links, redirects out of the app), and `navigate(href)`, `clickSaveBar(id, "save" |
 * "discard")` and `grantScopes()` play the admin's side: the browser tests drive the app through these.
 */
import { PREVIEW_PATHS } from "./paths";

export function appBridgeStandInScript(defaultShop: string): string {
  return `(() => {
  "use strict";
  const SHELL = "admin-preview-shell";
  const script = document.currentScript;
  const params = new URLSearchParams(window.location.search);
  const shop = params.get("shop") || ${JSON.stringify(defaultShop)};
  const host = params.get("host") || btoa("admin.shopify.com/store/" + shop.replace(/\\.myshopify\\.com$/, ""));
  const apiKey = (script && script.dataset.apiKey) || "";
  const framed = window.parent !== window;
  const appOrigin = window.location.origin;
  const nativeFetch = window.fetch.bind(window);
  const state = { toasts: [], saveBars: {}, nav: [], loading: [], redirects: [] };
  const tell = (message) => {
    if (framed) window.parent.postMessage(Object.assign({ source: "admin-preview-app" }, message), appOrigin);
  };
  // The app's first App Bridge call comes from a mount effect; the Remix AppProvider's own
  // effect (the shopify:navigate listener) runs in the same synchronous flush, so a task later
  // the app takes navigation.
  let hydrated = false;
  let starting = false;
  let pendingHref = null;
  function appRuns() {
    if (starting) return;
    starting = true;
    setTimeout(() => {
      hydrated = true;
      const menu = document.querySelector("ui-nav-menu");
      if (menu) menu.report();
      if (pendingHref !== null) navigate(pendingHref);
    }, 0);
  }

  async function idToken() {
    const response = await nativeFetch(${JSON.stringify(PREVIEW_PATHS.sessionToken)} + "?shop=" + encodeURIComponent(shop), { method: "POST" });
    if (!response.ok) throw new Error("admin preview: no session token (" + response.status + ")");
    return (await response.json()).token;
  }

  window.fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url, window.location.href);
    if (url.origin === appOrigin && !url.pathname.startsWith("/__preview/")) {
      request.headers.set("Authorization", "Bearer " + (await idToken()));
    }
    const response = await nativeFetch(request);
    const leaveTo = response.status === 401 ? response.headers.get("X-Shopify-API-Request-Failure-Reauthorize-Url") : null;
    if (!leaveTo) return response;
    // App Bridge sends the admin there and this page goes with it: the request never answers.
    state.redirects.push(leaveTo);
    tell({ type: "redirect", url: leaveTo });
    return new Promise(() => {});
  };

  // What Shopify does once the merchant approves on its grant screen: app/scopes_update to the
  // app (the preview server sends it, signed), then the app opened again.
  async function grantScopes() {
    const response = await nativeFetch(${JSON.stringify(PREVIEW_PATHS.grantScopes)} + "?shop=" + encodeURIComponent(shop), { method: "POST" });
    if (!response.ok) throw new Error("admin preview: the grant was not recorded (" + response.status + ")");
    const reopen = ${JSON.stringify(PREVIEW_PATHS.open)} + "?shop=" + encodeURIComponent(shop) + "&path=" + encodeURIComponent("/app");
    setTimeout(() => window.location.assign(reopen), 0);
  }

  class UiNavMenu extends HTMLElement {
    connectedCallback() {
      this.style.display = "none";
      this.observer = new MutationObserver(() => this.report());
      this.observer.observe(this, { childList: true, subtree: true, characterData: true, attributes: true });
      this.report();
    }
    disconnectedCallback() { if (this.observer) this.observer.disconnect(); }
    report() {
      state.nav = Array.from(this.querySelectorAll("a")).map((a) => ({ href: a.getAttribute("href"), label: (a.textContent || "").trim() }));
      if (hydrated) tell({ type: "nav", items: state.nav });
    }
  }

  class UiSaveBar extends HTMLElement {
    connectedCallback() {
      this.style.display = "none";
      // The Save button's disabled state changes while a save is in flight.
      this.observer = new MutationObserver(() => { if (this.showing) this.report(); });
      this.observer.observe(this, { subtree: true, attributes: true });
    }
    disconnectedCallback() { if (this.observer) this.observer.disconnect(); }
    get showing() { return state.saveBars[this.id] === true; }
    report() {
      const save = this.querySelector('button[variant="primary"]');
      tell({ type: "saveBar", id: this.id, open: this.showing, saveDisabled: Boolean(save && save.disabled) });
    }
    show() { state.saveBars[this.id] = true; this.report(); this.dispatchEvent(new Event("show")); return Promise.resolve(); }
    hide() { state.saveBars[this.id] = false; this.report(); this.dispatchEvent(new Event("hide")); return Promise.resolve(); }
    toggle() { return this.showing ? this.hide() : this.show(); }
  }
  customElements.define("ui-nav-menu", UiNavMenu);
  customElements.define("ui-save-bar", UiSaveBar);

  function navigate(href) {
    if (!hydrated) { pendingHref = href; return; }
    pendingHref = null;
    const link = document.querySelector('ui-nav-menu a[href="' + href + '"]');
    if (!link) throw new Error("no nav menu link to " + href);
    link.dispatchEvent(new CustomEvent("shopify:navigate", { bubbles: true }));
  }

  function clickSaveBar(id, which) {
    const bar = document.getElementById(id);
    if (!bar || !bar.showing) throw new Error("save bar " + id + " is not shown");
    const selector = which === "save" ? 'button[variant="primary"]' : 'button:not([variant="primary"])';
    bar.querySelector(selector).click();
  }

  window.addEventListener("message", (event) => {
    if (event.source !== window.parent || event.origin !== appOrigin) return;
    const data = event.data;
    if (!data || data.source !== SHELL) return;
    if (data.type === "navigate") navigate(String(data.href));
    if (data.type === "saveBar") clickSaveBar(String(data.id), data.which === "save" ? "save" : "discard");
  });

  // The shell marks the current page in its navigation.
  const pushState = history.pushState.bind(history);
  history.pushState = (...args) => { pushState(...args); tell({ type: "location", path: window.location.pathname }); };
  window.addEventListener("popstate", () => tell({ type: "location", path: window.location.pathname }));
  tell({ type: "location", path: window.location.pathname });

  window.shopify = {
    config: { apiKey, shop, host, locale: "en" },
    environment: { embedded: true, mobile: false, pos: false },
    idToken,
    loading(on) { appRuns(); state.loading.push(Boolean(on)); },
    toast: {
      show(message, options) {
        const toast = { message: String(message), isError: Boolean(options && options.isError) };
        state.toasts.push(toast);
        tell(Object.assign({ type: "toast", duration: (options && options.duration) || 5000 }, toast));
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

  window.__adminPreview = { state, navigate, clickSaveBar, grantScopes };
})();
`;
}
