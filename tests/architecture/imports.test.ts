/**
 * The app's module boundaries, checked on every test run: no import cycles, no test code in
 * the app, and the few directions that must not exist between its folders.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { importCycles, importsOf, resolveSpecifier, sourceFiles, type ImportEdge } from "./import-graph";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const TEST_FILE = /\.test\.tsx?$/;

const appFiles = sourceFiles(ROOT, "app");
const edges = appFiles.flatMap((file) => importsOf(ROOT, file));
/** Modules the app runs, as opposed to the tests and fixtures kept beside them. */
const moduleEdges = edges.filter((edge) => !TEST_FILE.test(edge.from) && !edge.from.includes("/__fixtures__/"));

const show = (list: ImportEdge[]) => list.map((edge) => `${edge.from} -> ${edge.to}${edge.dynamic ? " (dynamic)" : ""}`);

/** Each rule: the imports it forbids, and why. */
const BOUNDARIES: Array<{ rule: string; forbids: (edge: ImportEdge) => boolean }> = [
  {
    rule: "the app does not import test code",
    forbids: (edge) => edge.to.startsWith("tests/"),
  },
  {
    rule: "admin modules do not reach into the webhook pipeline (shared parts live in their owner)",
    forbids: (edge) => edge.from.startsWith("app/admin/") && edge.to.startsWith("app/pipeline/"),
  },
  {
    rule: "the configuration does not depend on the outbox (the outbox depends on it)",
    forbids: (edge) => edge.from === "app/config.server.ts" && edge.to.startsWith("app/outbox/"),
  },
  {
    rule: "modules import statically, so the graph and the bundle show every dependency",
    forbids: (edge) => edge.dynamic,
  },
];

describe("the app's import graph", () => {
  it("GIVEN app/ WHEN its imports are read THEN the graph is the real one (known edges present)", () => {
    expect(appFiles.length).toBeGreaterThan(100);
    expect(show(edges)).toContain("app/webhooks/ingest.server.ts -> app/webhooks/types.ts");
    expect(show(edges)).toContain("app/routes/webhooks.orders.create.tsx -> app/webhooks/receive.server.ts");
  });

  it("GIVEN every module in app/ WHEN cycles are looked for THEN there are none", () => {
    expect(importCycles(appFiles, edges)).toEqual([]);
  });

  for (const { rule, forbids } of BOUNDARIES) {
    it(`GIVEN the app's modules WHEN checked THEN ${rule}`, () => {
      expect(show(moduleEdges.filter(forbids))).toEqual([]);
    });
  }
});

describe("the checker itself", () => {
  const edge = (from: string, to: string): ImportEdge => ({ from, to, dynamic: false });

  it("GIVEN a -> b -> c -> a and d -> a WHEN cycles are looked for THEN it names a, b and c only", () => {
    const files = ["a", "b", "c", "d"];
    expect(importCycles(files, [edge("a", "b"), edge("b", "c"), edge("c", "a"), edge("d", "a")])).toEqual([["a", "b", "c"]]);
  });

  it("GIVEN a module importing itself and a chain without a loop WHEN checked THEN only the self-import is a cycle", () => {
    expect(importCycles(["a", "b", "c"], [edge("a", "a"), edge("b", "c")])).toEqual([["a"]]);
  });

  it("GIVEN an import of a file that does not exist WHEN resolved THEN it fails, naming it (no edge is lost silently)", () => {
    expect(() => resolveSpecifier(ROOT, "app/root.tsx", "./no-such-module")).toThrow(/no-such-module/);
    expect(resolveSpecifier(ROOT, "app/root.tsx", "react")).toBeUndefined();
  });

  it("GIVEN this test file WHEN its imports are read THEN the relative import resolves to the .ts file", () => {
    const own = importsOf(ROOT, "tests/architecture/imports.test.ts");
    expect(own.map((found) => found.to)).toContain("tests/architecture/import-graph.ts");
  });
});
