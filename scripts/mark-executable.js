// The CLI entries must be executable for `npx matdiff` and for package managers that link bins:
// the launcher (package.json's bin) and the unbundled entry the bundle is built from.
import { chmodSync, existsSync } from "node:fs";
for (const path of ["../dist/matdiff.cjs", "../dist/cli/main.js"]) {
  const entry = new URL(path, import.meta.url);
  if (existsSync(entry)) chmodSync(entry, 0o755);
}
