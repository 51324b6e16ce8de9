// Bundle the CLI into one file (dist/matdiff.mjs), the `matdiff` bin. A cold start then reads one
// module instead of ~70 (resolving and compiling each cost more than the work of a typical query).
// Run by `npm run build` after tsc; the library entry (dist/index.js) stays unbundled.
import { build } from "esbuild";
import { chmodSync } from "node:fs";

const outfile = new URL("../dist/matdiff.mjs", import.meta.url).pathname;
await build({
  entryPoints: [new URL("../dist/cli/main.js", import.meta.url).pathname],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  outfile,
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: "none",
  // nearley and moo are CommonJS: give the ESM bundle a require for what they ask of Node
  banner: { js: 'import { createRequire as __cr } from "node:module"; const require = __cr(import.meta.url);' },
  logLevel: "warning",
});
chmodSync(outfile, 0o755);
