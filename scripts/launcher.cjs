#!/usr/bin/env node
// The matdiff executable: loads the bundled CLI (matdiff-bundle.cjs) through V8's code cache
// (matdiff.cache, written at build time by scripts/code-cache.js), so a cold start skips parsing
// and compiling the engine. A cache made by another Node version is rejected by V8 and the bundle
// is simply compiled as usual; nothing is written at run time.
"use strict";
const { readFileSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");
const { Script } = require("node:vm");

const bundle = join(__dirname, "matdiff-bundle.cjs");
const cacheFile = join(__dirname, "matdiff.cache");
const source = readFileSync(bundle, "utf8").replace(/^#!.*/, "");
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  // no cache: compile as usual
}
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: bundle, cachedData });
const main = script.runInThisContext();
// A batch runs the engine over many small problems in one short process, where V8's optimising
// compiler spent more time compiling (and re-compiling after deoptimisations) than it saved: four
// times V8's default budget before a function is optimised took a quarter off the corpus batch
// and two fifths off its slowest line (README, Speed). Set after the cache is read (V8 rejects a
// cache made under other flags) and only on Node 20's V8 11, where it was measured; node:v8 costs
// ~10 ms to load, so a single query does without it.
if (process.argv[2] === "batch" && process.versions.v8.startsWith("11.")) {
  require("node:v8").setFlagsFromString(`--interrupt-budget=${4 * 66 * 1024}`);
}
const mod = { exports: {} };
main(mod.exports, require, mod, bundle, __dirname);
// the build writes the cache after one representative run, with every function it compiled
if (process.env.MATDIFF_WRITE_CODE_CACHE === cacheFile) process.on("exit", () => writeFileSync(cacheFile, script.createCachedData()));
