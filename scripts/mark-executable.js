// The CLI entries must be executable for `npx matdiff` and for package managers that link bins:
// the bundle (package.json's bin) and the unbundled entry it is built from.
import { chmodSync, existsSync } from "node:fs";
for (const path of ["../dist/matdiff.mjs", "../dist/cli/main.js"]) {
  const entry = new URL(path, import.meta.url);
  if (existsSync(entry)) chmodSync(entry, 0o755);
}
