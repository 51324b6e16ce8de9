// TypeScript: one module with the generated function and the routines it needs (ts-runtime.ts),
// no dependencies, for Node and the browser. Scalars are numbers and use JS arithmetic; arrays
// are row-major Float64Array matrices (Mat) and go through the runtime's functions.

import type { Dim } from "../../expr/shape.js";
import { isScalarNode, type Node } from "../ir.js";
import { atom, numberCode, operand, PREC, type Code, type FunctionParts, type Param, type Target } from "../target.js";
import { TS_RUNTIME } from "./ts-runtime.js";

const KEYWORDS = [
  "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum", "export", "extends",
  "false", "finally", "for", "function", "if", "import", "in", "instanceof", "new", "null", "return", "super", "switch", "this",
  "throw", "true", "try", "typeof", "var", "void", "while", "with", "as", "implements", "interface", "let", "package", "private",
  "protected", "public", "static", "yield", "await", "any", "boolean", "constructor", "declare", "get", "module", "require",
  "number", "set", "string", "symbol", "type", "from", "of", "arguments", "eval", "undefined", "NaN", "Infinity", "Math",
  "__proto__", "prototype", "Object", "Array", "Error", "Float64Array", "Int32Array", "String",
  // the runtime's own names
  "Mat", "MatLike", "Val", "Factor", "zerosM", "onesM", "eyeM", "shapeError", "isMat", "matrixArg", "vectorArg", "scalarArg", "zip",
  "map", "add", "sub", "emul", "ediv", "epow", "neg", "matmul", "transpose", "sum", "sumRows", "sumCols", "trace", "diagv", "diagm",
  "vec", "kron", "item", "chol", "lu", "solve", "swap", "inverse", "logdet", "det", "matpow", "logsumexp", "norm2", "sigmoid",
  "softplus", "logsigmoid", "relu", "step",
];

const SCALAR_FN: Record<string, string> = {
  exp: "Math.exp", log: "Math.log", sqrt: "Math.sqrt", sin: "Math.sin", cos: "Math.cos", tan: "Math.tan", tanh: "Math.tanh",
  abs: "Math.abs", sigmoid: "sigmoid", softplus: "softplus", logsigmoid: "logsigmoid", relu: "relu", step: "step",
};


const call = (f: string, ...args: Code[]): Code => atom(`${f}(${args.map((a) => a.text).join(", ")})`);

class TypeScriptTarget implements Target {
  readonly lang = "ts" as const;
  readonly comment = "//";
  readonly reserved: ReadonlySet<string> = new Set(KEYWORDS);

  /** The converted argument (a Mat or a number) beside the argument as passed. */
  paramRef(code: string): string {
    return `${code}_`;
  }

  expr(n: Node, args: readonly Code[], dim: (d: Dim) => string): Code {
    const [a, b] = args as [Code, Code];
    const op = n.op;
    const scalarOperands = n.args.every(isScalarNode);
    const infix = (sym: string, prec: number, helper: string): Code =>
      scalarOperands ? { text: `${operand(a, prec)} ${sym} ${operand(b, prec + 1)}`, prec } : call(helper, a, b);
    switch (op.op) {
      case "param":
      case "named":
        throw new Error("internal: names are written by the scheduler");
      case "num":
        return numberCode(op.value);
      case "dim":
        return atom(dim(op.name));
      case "pi":
        return atom("Math.PI");
      case "eye":
        return atom(`eyeM(${dim(n.shape[0])})`);
      case "ones":
        return atom(`onesM(${dim(n.shape[0])}, ${dim(n.shape[1])})`);
      case "zeros":
        return atom(`zerosM(${dim(n.shape[0])}, ${dim(n.shape[1])})`);
      case "add":
        return infix("+", PREC.ADD, "add");
      case "sub":
        return infix("-", PREC.ADD, "sub");
      case "emul":
        return infix("*", PREC.MUL, "emul");
      case "ediv":
        return infix("/", PREC.MUL, "ediv");
      case "epow":
        return scalarOperands ? call("Math.pow", a, b) : call("epow", a, b);
      case "neg":
        return scalarOperands ? { text: `-${operand(a, PREC.POW)}`, prec: PREC.UNARY } : call("neg", a);
      case "matmul":
        return call("matmul", a, b);
      case "transpose":
        return call("transpose", a);
      case "item":
        return call("item", a);
      case "fn":
        return scalarOperands ? call(SCALAR_FN[op.fn]!, a) : atom(`map(${a.text}, ${SCALAR_FN[op.fn]!})`);
      case "sum":
      case "sumRows":
      case "sumCols":
      case "trace":
      case "diagv":
      case "diagm":
      case "vec":
      case "chol":
      case "lu":
      case "inverse":
      case "logdet":
      case "det":
      case "logsumexp":
      case "norm2":
        return call(op.op, a);
      case "kron":
        return call("kron", a, b);
      case "solve":
        return op.trans ? atom(`solve(${a.text}, ${b.text}, true)`) : call("solve", a, b);
      case "matpow":
        return atom(`matpow(${a.text}, ${op.k})`);
    }
  }

  render(parts: FunctionParts): string {
    const lines = parts.header.map((h) => (h === "" ? "//" : `// ${h}`));
    lines.push("", TS_RUNTIME);
    const typeOf = (p: Param) => (p.kind === "scalar" ? "number | MatLike" : "MatLike");
    const outType = (o: FunctionParts["outputs"][number]) => (isScalarNode(o.node) ? "number" : "Mat");
    const signature = parts.params.map((p) => `${p.code}: ${typeOf(p)}`).join(", ");
    lines.push(`export function ${parts.name}(${signature}): [${parts.outputs.map(outType).join(", ")}] {`);
    const body: string[] = [];
    for (const p of parts.params) body.push(...this.prelude(p, parts.dim));
    for (const s of parts.statements) body.push(`const ${s.name} = ${s.code.text};`);
    body.push(`return [${parts.outputs.map((o) => o.text.text).join(", ")}];`);
    lines.push(...body.map((l) => `  ${l}`), "}");
    return `${lines.join("\n")}\n`;
  }

  private prelude(p: Param, dim: (d: Dim) => string): string[] {
    const ref = p.ref;
    const shown = p.axes.map((a) => (a.bind || typeof a.dim === "number" ? String(a.dim) : `${String(a.dim)} = " + ${dim(a.dim)} + "`));
    const expected = p.kind === "scalar" ? "a scalar" : p.kind === "vector" ? `a vector of length ${shown[0]}` : `shape (${shown.join(", ")})`;
    const quoted = `"${expected}"`;
    const names = p.axes.map((a) => String(a.dim));
    const byName = p.kind === "vector" ? `"a vector of length ${names[0]}"` : `"shape (${names.join(", ")})"`;
    if (p.kind === "scalar") return [`const ${ref} = scalarArg(${p.code}, "${p.name}");`];
    const out = [`const ${ref} = ${p.kind === "vector" ? "vectorArg" : "matrixArg"}(${p.code}, "${p.name}", ${byName});`];
    const checks: string[] = [];
    const fields = ["rows", "cols"];
    p.axes.forEach((a, i) => {
      if (p.kind === "vector" && i === 1) return;
      if (a.bind) out.push(`const ${dim(a.dim)} = ${ref}.${fields[i]};`);
      else checks.push(`${ref}.${fields[i]} !== ${dim(a.dim)}`);
    });
    if (checks.length > 0) out.push(`if (${checks.join(" || ")}) shapeError("${p.name}", ${quoted}, ${ref}.rows, ${ref}.cols);`);
    return out;
  }
}

export const typescriptTarget = (): Target => new TypeScriptTarget();
