import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/app";

/**
 * Remix 2 is at its end of life, and two of its advisories are reachable only through these
 * flags (SECURITY.md, Advisories). The production build is checked, not the config file,
 * since the build is what runs. Run `npm run build` first; `npm test` does.
 */
let app: TestApp;

beforeAll(async () => {
  // The build sets up the session storage when loaded: give it a migrated database.
  app = await startTestApp();
});

afterAll(async () => {
  await app?.stop();
});

describe("the production build's Remix flags", () => {
  it("GIVEN the build WHEN its future flags are read THEN single fetch and lazy route discovery are off", async () => {
    const build = (await import(
      /* @vite-ignore */ pathToFileURL(path.resolve("build", "server", "index.js")).href
    )) as ServerBuild;
    expect(build.future).toMatchObject({ v3_singleFetch: false, v3_lazyRouteDiscovery: false });
  });

  it("GIVEN the running app WHEN Remix's route-discovery endpoint is asked for THEN there is none", async () => {
    const response = await fetch(`${app.url}/__manifest?p=%2Fapp%2Fsettings&version=1`);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain("routes/app.settings");
  });
});
