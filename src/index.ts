// The public API of matdiff as a library.
export { answerAll, answerQuery, problemFromParts, problemFromText } from "./engine.js";
export type { ProblemParts, QueryAnswer, QueryOptions } from "./engine.js";
export type { Diagnostic, ErrorKind, Result } from "./diagnostics/diagnostic.js";
export { renderDiagnostic } from "./diagnostics/render.js";
export { printExpr } from "./print/index.js";
export type { FormName } from "./print/index.js";
export { checkGradients } from "./evaluate/check.js";
export type { CheckOptions, CheckResult } from "./evaluate/check.js";
export type { Expr } from "./expr/expr.js";
export type { Problem, QueryInfo, VarInfo } from "./parse/resolve.js";
export { runCli } from "./cli/program.js";
export { generateCode, LANGS, DEFAULT_SIZE } from "./codegen/index.js";
export type { CodeOptions, GeneratedCode, FlopReport, Lang } from "./codegen/index.js";
