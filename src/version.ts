// The package version, read once from package.json (one directory above both src/ and dist/).
import { readFileSync } from "node:fs";

function readVersion(): string {
  // the bundled CLI has the version written in at build time (scripts/bundle.js)
  const built = process.env["MATDIFF_BUNDLED_VERSION"];
  if (built) return built;
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}

export const VERSION = readVersion();
