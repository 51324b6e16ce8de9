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
const mod = { exports: {} };
main(mod.exports, require, mod, bundle, __dirname);
// the build writes the cache after one representative run, with every function it compiled
if (process.env.MATDIFF_WRITE_CODE_CACHE === cacheFile) process.on("exit", () => writeFileSync(cacheFile, script.createCachedData()));
