/**
 * The app's public URL (shopify.app.toml's application_url): the block calls its opt-in
 * endpoints there. Shopify CLI bundles extensions without the app's environment, so it is
 * written here; a test keeps it equal to the TOML's.
 */
export const APP_URL = "https://example.com";
