// Bundle the CLI into one CommonJS file (dist/matdiff-bundle.cjs) and install the launcher
// (dist/matdiff.cjs, the `matdiff` bin) beside it. A cold start then reads one script instead of
// ~70 modules, and scripts/code-cache.js lets it skip compiling that script too.
// Run by `npm run build` after tsc; the library entry (dist/index.js) stays unbundled.
import { build } from "esbuild";
import { chmodSync, copyFileSync, readFileSync } from "node:fs";

const dist = (f) => new URL(`../dist/${f}`, import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
/**
 * commander loads node:child_process when it loads (about 3 ms of a cold start) for executable
 * subcommands, which matdiff does not have: inside commander it becomes a shim that loads the
 * real module only if spawn is ever called.
 */
const lazyChildProcess = {
  name: "lazy-child-process",
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) => (/[\\/]commander[\\/]/.test(args.importer) ? { path: "child_process", namespace: "lazy" } : undefined));
    b.onLoad({ filter: /.*/, namespace: "lazy" }, () => ({
      contents: 'let real; module.exports = { spawn: (...args) => (real ??= require("node:child_process")).spawn(...args) };',
      loader: "js",
    }));
  },
};

await build({
  entryPoints: [dist("cli/main.js")],
  plugins: [lazyChildProcess],
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  outfile: dist("matdiff-bundle.cjs"),
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: "none",
  logLevel: "error", // import.meta is empty in CommonJS: the one use (version.ts) is defined below
  define: { 'process.env["MATDIFF_BUNDLED_VERSION"]': JSON.stringify(version) },
});
copyFileSync(new URL("./launcher.cjs", import.meta.url), dist("matdiff.cjs"));
chmodSync(dist("matdiff.cjs"), 0o755);
