/**
 * The admin preview's stand-in for the Shopify admin around the app: a top bar that turns
 * into the contextual save bar while the app has unsaved changes, the app's navigation
 * (from its `ui-nav-menu`), toasts, and the app itself in a frame, as the admin embeds it.
 * It talks to the App Bridge stand-in in the frame with postMessage, on the same origin only.
 */
import { PREVIEW_PATHS } from "./paths";

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);

export function previewShellHtml(shop: string): string {
  const frameSrc = `${PREVIEW_PATHS.open}?shop=${encodeURIComponent(shop)}&path=${encodeURIComponent("/app")}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Admin preview · ${escapeHtml(shop)}</title>
<style>
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.4 -apple-system, BlinkMacSystemFont, "San Francisco", "Segoe UI", Roboto, sans-serif; background: #f1f1f1; height: 100vh; display: grid; grid-template: 56px 1fr / 220px 1fr; }
  header { grid-column: 1 / 3; display: flex; align-items: center; gap: 12px; padding: 0 16px; background: #1a1a1a; color: #e3e3e3; }
  header .shop { color: #fff; font-weight: 600; }
  header .note { margin-left: auto; font-size: 12px; color: #b5b5b5; }
  #save-bar { grid-column: 1 / 3; grid-row: 1; display: flex; align-items: center; gap: 8px; padding: 0 16px; background: #1a1a1a; color: #fff; z-index: 2; }
  #save-bar[hidden] { display: none; }
  #save-bar .title { font-weight: 600; margin-right: auto; }
  #save-bar button { font: inherit; padding: 6px 12px; border-radius: 8px; border: 1px solid #616161; background: #303030; color: #fff; cursor: pointer; }
  #save-bar button.primary { background: #fff; color: #1a1a1a; border-color: #fff; }
  #save-bar button:disabled { opacity: 0.5; cursor: default; }
  nav { padding: 12px 8px; background: #ebebeb; }
  nav button { display: block; width: 100%; text-align: left; font: inherit; padding: 6px 10px; border: 0; border-radius: 8px; background: none; cursor: pointer; color: #303030; }
  nav button[aria-current="page"] { background: #fff; font-weight: 600; }
  main { min-width: 0; }
  iframe { border: 0; width: 100%; height: 100%; display: block; background: #f1f1f1; }
  #toasts { position: fixed; left: 50%; bottom: 24px; transform: translateX(-50%); display: grid; gap: 8px; z-index: 3; }
  .toast { padding: 10px 16px; border-radius: 10px; background: #1a1a1a; color: #fff; }
  .toast.error { background: #8e1f0b; }
</style>
</head>
<body>
<header><span>Admin preview</span><span class="shop">${escapeHtml(shop)}</span><span class="note">development only: a local stand-in for the Shopify admin</span></header>
<div id="save-bar" role="region" aria-label="Unsaved changes" hidden>
  <span class="title">Unsaved changes</span>
  <button type="button" data-which="discard">Discard</button>
  <button type="button" class="primary" data-which="save">Save</button>
</div>
<nav aria-label="App navigation"><div id="nav-items"></div></nav>
<main><iframe id="app" title="App" src="${escapeHtml(frameSrc)}"></iframe></main>
<div id="toasts" role="status" aria-live="polite"></div>
<script>
(() => {
  "use strict";
  const frame = document.getElementById("app");
  const saveBar = document.getElementById("save-bar");
  const navItems = document.getElementById("nav-items");
  const toasts = document.getElementById("toasts");
  const openBars = new Map();
  let current = "/app";
  const send = (message) => frame.contentWindow.postMessage(Object.assign({ source: "admin-preview-shell" }, message), location.origin);

  function drawNav(items) {
    navItems.replaceChildren(...items.map((item) => {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = item.label;
      button.dataset.href = item.href;
      if (item.href === current) button.setAttribute("aria-current", "page");
      button.addEventListener("click", () => send({ type: "navigate", href: item.href }));
      return button;
    }));
  }
  function markCurrent() {
    for (const button of navItems.querySelectorAll("button")) {
      if (button.dataset.href === current) button.setAttribute("aria-current", "page");
      else button.removeAttribute("aria-current");
    }
  }
  function drawSaveBar() {
    const open = [...openBars.entries()].filter(([, bar]) => bar.open);
    saveBar.hidden = open.length === 0;
    if (open.length) {
      const [id, bar] = open[open.length - 1];
      saveBar.dataset.id = id;
      saveBar.querySelector('[data-which="save"]').disabled = bar.saveDisabled;
    }
  }
  saveBar.addEventListener("click", (event) => {
    const which = event.target.closest("button")?.dataset.which;
    if (which && saveBar.dataset.id) send({ type: "saveBar", id: saveBar.dataset.id, which });
  });
  function toast(message) {
    const element = document.createElement("div");
    element.className = message.isError ? "toast error" : "toast";
    element.textContent = message.message;
    toasts.append(element);
    setTimeout(() => element.remove(), message.duration);
  }

  window.addEventListener("message", (event) => {
    if (event.source !== frame.contentWindow || event.origin !== location.origin) return;
    const data = event.data;
    if (!data || data.source !== "admin-preview-app") return;
    if (data.type === "nav") drawNav(data.items);
    if (data.type === "location") { current = data.path; markCurrent(); }
    if (data.type === "saveBar") { openBars.set(data.id, { open: data.open, saveDisabled: data.saveDisabled }); drawSaveBar(); }
    if (data.type === "toast") toast(data);
  });
  // A new page in the frame starts without save bars.
  frame.addEventListener("load", () => { openBars.clear(); drawSaveBar(); });
})();
</script>
</body>
</html>
`;
}
