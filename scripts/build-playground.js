// Build the playground (src/playground) into dist/playground: one classic script (app.js, so the
// page also works opened from disk, where module scripts are blocked), the page, its stylesheet,
// and KaTeX's stylesheet and fonts, copied so that nothing is fetched from the network.
// Run by `npm run build`; prints the gzipped size of what a visitor downloads.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const out = join(root, "dist/playground");
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
mkdirSync(join(out, "katex/fonts"), { recursive: true });

// src/version.ts reads package.json with node:fs; in the browser the version is a constant
const browserVersion = {
  name: "browser-version",
  setup(b) {
    b.onResolve({ filter: /\/version\.js$/ }, (args) =>
      args.importer.includes(`${join("src", "playground")}`) ? undefined : { path: join(root, "src/playground/version.ts") },
    );
  },
};

const result = await build({
  entryPoints: [join(root, "src/playground/main.ts")],
  bundle: true,
  platform: "browser",
  format: "iife",
  target: "es2020",
  outfile: join(out, "app.js"),
  minify: true,
  legalComments: "none",
  metafile: true,
  loader: { ".matdiff": "text" },
  define: { MATDIFF_VERSION: JSON.stringify(version) },
  plugins: [browserVersion],
  logLevel: "error",
});

copyFileSync(join(root, "src/playground/index.html"), join(out, "index.html"));
copyFileSync(join(root, "src/playground/style.css"), join(out, "style.css"));
const katexDist = join(root, "node_modules/katex/dist");
copyFileSync(join(katexDist, "katex.min.css"), join(out, "katex/katex.min.css"));
// every browser that runs the page reads woff2, the first source KaTeX's stylesheet lists
for (const f of readdirSync(join(katexDist, "fonts")).filter((f) => f.endsWith(".woff2"))) {
  copyFileSync(join(katexDist, "fonts", f), join(out, "katex/fonts", f));
}

if (process.argv.includes("--report")) {
  const gz = (f) => gzipSync(readFileSync(f)).length;
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`app.js: ${kb(statSync(join(out, "app.js")).size)}, gzipped ${kb(gz(join(out, "app.js")))}`);
  const byPackage = new Map();
  for (const [file, info] of Object.entries(result.metafile.outputs[Object.keys(result.metafile.outputs)[0]].inputs)) {
    const key = file.includes("node_modules/") ? file.split("node_modules/")[1].split("/")[0] : file.split("/").slice(0, 2).join("/");
    byPackage.set(key, (byPackage.get(key) ?? 0) + info.bytesInOutput);
  }
  for (const [k, v] of [...byPackage].sort((a, b) => b[1] - a[1])) console.log(`  ${k}: ${kb(v)} (minified)`);
}
