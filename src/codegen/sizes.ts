// `--sizes N=2000,D=10`: hints for the generator's cost model.

import { errResult, okResult, type Result } from "../diagnostics/diagnostic.js";

export function parseSizes(text: string | undefined): Result<Map<string, number>> {
  const sizes = new Map<string, number>();
  if (text === undefined || text.trim() === "") return okResult(sizes);
  for (const part of text.split(",")) {
    const m = /^\s*([\p{L}_][\p{L}\p{Nd}_]*)\s*=\s*(\d+)\s*$/u.exec(part);
    if (!m || Number(m[2]) < 1) {
      return errResult({ kind: "syntax", message: `'${part.trim()}' is not a size`, hint: "write --sizes N=2000,D=10 (names of dimensions, whole numbers ≥ 1)" });
    }
    sizes.set(m[1]!, Number(m[2]));
  }
  return okResult(sizes);
}
