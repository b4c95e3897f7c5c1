/**
 * Bundles every UI extension's target modules the way Shopify CLI does (esbuild, Preact's
 * JSX), offline, into `extensions/<name>/dist/`. The tests render these bundles; `shopify app
 * deploy` builds its own from the same sources. A bundle over Shopify's size limit fails here,
 * before a merchant's checkout would load it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";

/** Shopify refuses UI extension bundles larger than this (compiled script, bytes). */
export const UI_EXTENSION_BUNDLE_LIMIT = 64 * 1024;

export interface ExtensionModule {
  extension: string;
  source: string;
  outfile: string;
}

/** The `module = "./src/…"` of each `[[extensions.targeting]]` in an extension's TOML. */
export function targetModules(toml: string): string[] {
  const modules = [...toml.matchAll(/^\s*module\s*=\s*"([^"]+)"/gm)].map((match) => match[1]!);
  return [...new Set(modules)];
}

export function uiExtensionModules(root: string): ExtensionModule[] {
  const dir = path.join(root, "extensions");
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const toml = path.join(dir, name, "shopify.extension.toml");
    if (!existsSync(toml)) return [];
    return targetModules(readFileSync(toml, "utf8")).map((module) => ({
      extension: name,
      source: path.join(dir, name, module),
      outfile: path.join(dir, name, "dist", `${path.basename(module).replace(/\.[jt]sx?$/, "")}.js`),
    }));
  });
}

export async function buildExtensions(root: string): Promise<ExtensionModule[]> {
  const modules = uiExtensionModules(root);
  for (const module of modules) {
    await build({
      entryPoints: [module.source],
      outfile: module.outfile,
      bundle: true,
      format: "esm",
      target: "es2020",
      minify: true,
      jsx: "automatic",
      jsxImportSource: "preact",
      logLevel: "warning",
    });
    const size = statSync(module.outfile).size;
    if (size > UI_EXTENSION_BUNDLE_LIMIT) {
      throw new Error(`${path.relative(root, module.outfile)} is ${size} bytes; Shopify's limit is ${UI_EXTENSION_BUNDLE_LIMIT}`);
    }
  }
  return modules;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = process.cwd();
  const built = await buildExtensions(root);
  for (const module of built) {
    process.stdout.write(`built ${path.relative(root, module.outfile)} (${statSync(module.outfile).size} bytes)\n`);
  }
}
