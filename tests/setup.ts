// Test defaults for the configuration; a test file may override any of them before it
// imports the app. None of these values is a real secret.
process.env.SHOPIFY_API_KEY ??= "test-api-key";
process.env.SHOPIFY_API_SECRET ??= "test-api-secret";
process.env.SHOPIFY_APP_URL ??= "http://127.0.0.1";
process.env.SCOPES ??= "read_orders,read_fulfillments";
process.env.ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");
process.env.LOG_LEVEL ??= "silent";
process.env.DATABASE_URL ??= "file::memory:";
