/** Where the admin preview answers (development only; see guard.ts). */
export const PREVIEW_PATHS = {
  shell: "/__preview",
  open: "/__preview/open",
  appBridge: "/__preview/app-bridge.js",
  sessionToken: "/__preview/session-token",
  grantScopes: "/__preview/grant-scopes",
} as const;
