/**
 * Bundles the process entries (web server, stand-alone worker) next to the Remix build.
 * Packages stay external: they are installed beside the build, Prisma's clients included.
 */
import { build } from "esbuild";

await build({
  entryPoints: { server: "server.ts", worker: "worker.ts" },
  outdir: "build",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
  // The Remix build is loaded at run time from build/server/index.js, not bundled.
  external: ["./build/*"],
});
process.stdout.write("built build/server.js and build/worker.js\n");
