// The package version in the browser bundle, written in at build time (scripts/build-playground.js
// resolves src/version.ts, which reads package.json with node:fs, to this module).
declare const MATDIFF_VERSION: string;

export const VERSION: string = MATDIFF_VERSION;
