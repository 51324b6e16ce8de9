// Write V8's code cache for the bundled CLI (dist/matdiff.cache): run the launcher once on a
// problem with every query kind and --check, then save the compiled code of everything that ran.
// The cache belongs to this machine's Node; the launcher ignores a cache V8 rejects.
import { execFileSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";

const launcher = new URL("../dist/matdiff.cjs", import.meta.url).pathname;
const cache = new URL("../dist/matdiff.cache", import.meta.url).pathname;
const example = new URL("../examples/queries-all-kinds.matdiff", import.meta.url).pathname;
rmSync(cache, { force: true });
execFileSync(process.execPath, [launcher, "run", example, "--check"], { env: { ...process.env, MATDIFF_WRITE_CODE_CACHE: cache }, stdio: "ignore" });
if (!existsSync(cache)) throw new Error("code cache was not written");
