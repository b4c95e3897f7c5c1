/**
 * Runs the Kaleyra sandbox: `tsx sandbox/cli.ts`. Point the app at it with
 * KALEYRA_BASE_URL=<printed url> and use the printed demo account in Settings.
 * Drive faults from other processes through the control API (`/__sandbox/...`).
 *
 * Environment: SANDBOX_PORT (4010), SANDBOX_HOST (127.0.0.1), SANDBOX_SID,
 * SANDBOX_API_KEY, SANDBOX_NUMBER, and SANDBOX_ACCOUNT_OPTIONS: JSON merged into the demo
 * account, e.g. {"enforceWindow":true,"templates":[...],"incoming":{"url":"..."},"callback":{...}}.
 */
import { startKaleyraSandbox, type SandboxAccount } from "./kaleyra-sandbox";

const demo: SandboxAccount = {
  sid: process.env.SANDBOX_SID || "HXSANDBOX0001IN",
  // A fake key for the local sandbox only; printing it is the point.
  apiKey: process.env.SANDBOX_API_KEY || "sandbox-demo-api-key-0000000000000",
  numbers: [process.env.SANDBOX_NUMBER || "+919876543210"],
};
// Validated with the account when the sandbox starts; only their names are printed, as profiles may hold secrets.
const options = JSON.parse(process.env.SANDBOX_ACCOUNT_OPTIONS || "{}") as Partial<SandboxAccount>;

const sandbox = await startKaleyraSandbox({
  port: Number(process.env.SANDBOX_PORT || 4010),
  host: process.env.SANDBOX_HOST || "127.0.0.1",
  accounts: [{ ...options, ...demo }],
});

// One JSON line, machine-readable; not through the app logger, which would redact the demo key.
process.stdout.write(
  `${JSON.stringify({
    level: "info",
    time: new Date().toISOString(),
    msg: "kaleyra sandbox listening",
    url: sandbox.url,
    env: { KALEYRA_BASE_URL: sandbox.url },
    account: { ...demo, pod: "IN" },
    options: Object.keys(options),
    control: `${sandbox.url}/__sandbox/`,
  })}\n`,
);

const stop = () => {
  sandbox.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
