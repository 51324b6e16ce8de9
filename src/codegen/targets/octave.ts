// GNU Octave / MATLAB: one function file. Every value is a matrix already (a scalar is 1×1), so
// the function's body is the formula with .* ./ .^ and .' (never ', which conjugates).

import type { Dim } from "../../expr/shape.js";
import type { Node } from "../ir.js";
import { atom, infixArithmetic, numberCode, operand, PREC, type Code, type FunctionParts, type InfixSymbols, type Param, type Target } from "../target.js";

const KEYWORDS = [
  "break", "case", "catch", "classdef", "continue", "do", "else", "elseif", "end", "end_try_catch", "end_unwind_protect", "endclassdef",
  "endenumeration", "endevents", "endfor", "endfunction", "endif", "endmethods", "endparfor", "endproperties", "endswitch", "endwhile",
  "enumeration", "events", "for", "function", "global", "if", "methods", "otherwise", "parfor", "persistent", "properties", "return",
  "switch", "try", "until", "unwind_protect", "unwind_protect_cleanup", "while", "__FILE__", "__LINE__",
  // functions the generated code calls (a variable of the same name would shadow them)
  "abs", "chol", "chol2inv", "columns", "diag", "error", "exp", "eye", "kron", "log", "log1p", "lu", "max", "min", "norm", "numel", "ones", "pi",
  "prod", "reshape", "rows", "size", "double", "sqrt", "sum", "tan", "tanh", "sin", "cos", "trace", "zeros", "isvector", "ndims", "det", "i", "j",
];


const SYMBOLS: InfixSymbols = { emul: ".*", ediv: "./", matmul: "*", epow: ".^" };

const isFactor = (n: Node, kind: "chol" | "lu"): boolean => n.op.op === kind;

class OctaveTarget implements Target {
  readonly lang = "octave" as const;
  readonly comment = "%";
  readonly reserved: ReadonlySet<string> = new Set(KEYWORDS);

  needsNamedOperands(n: Node): boolean {
    // these write their operand more than once, or index it with (:)
    return n.op.op === "fn" ? ["softplus", "logsigmoid", "sigmoid"].includes(n.op.fn) : ["vec", "logsumexp", "sum", "diagv", "item"].includes(n.op.op);
  }

  statement(name: string, n: Node, code: Code): string {
    if (isFactor(n, "lu")) return `[${name}_L, ${name}_U, ${name}_P] = ${code.text};`;
    return `${name} = ${code.text};`;
  }

  expr(n: Node, args: readonly Code[], dim: (d: Dim) => string): Code {
    const [a, b] = args as [Code, Code];
    const op = n.op;
    const t = (c: Code) => c.text;
    const infix = infixArithmetic(n, a, b, SYMBOLS);
    if (infix) return infix;
    switch (op.op) {
      case "param":
      case "named":
        throw new Error("internal: names are written by the scheduler");
      case "add":
      case "sub":
      case "neg":
      case "emul":
      case "ediv":
      case "matmul":
      case "epow":
        throw new Error("internal: arithmetic is written by infixArithmetic");
      case "num":
        return numberCode(op.value);
      case "dim":
        return atom(dim(op.name));
      case "pi":
        return atom("pi");
      case "eye":
        return atom(`eye(${dim(n.shape[0])})`);
      case "ones":
      case "zeros":
        return atom(`${op.op}(${dim(n.shape[0])}, ${dim(n.shape[1])})`);
      case "transpose":
        return { text: `${operand(a, PREC.POSTFIX)}.'`, prec: PREC.POSTFIX };
      case "item":
        return a;
      case "fn":
        switch (op.fn) {
          case "sigmoid":
            return { text: `1 ./ (1 + exp(-${t(a)}))`, prec: PREC.MUL };
          case "softplus":
            return { text: `max(${t(a)}, 0) + log1p(exp(-abs(${t(a)})))`, prec: PREC.ADD };
          case "logsigmoid":
            return { text: `min(${t(a)}, 0) - log1p(exp(-abs(${t(a)})))`, prec: PREC.ADD };
          case "relu":
            return atom(`max(${t(a)}, 0)`);
          case "step":
            return atom(`double(${t(a)} > 0)`);
          default:
            return atom(`${op.fn}(${t(a)})`);
        }
      case "sum":
        return atom(`sum(${t(a)}(:))`);
      case "sumRows":
        return atom(`sum(${t(a)}, 2)`);
      case "sumCols":
        return atom(`sum(${t(a)}, 1)`);
      case "trace":
        return atom(`trace(${t(a)})`);
      case "diagv":
        return atom(`diag(${t(a)})`);
      case "diagm":
        return atom(`diag(${t(a)})`);
      case "vec":
        return atom(`${t(a)}(:)`);
      case "kron":
        return atom(`kron(${t(a)}, ${t(b)})`);
      case "chol":
        return atom(`chol(${t(a)})`);
      case "lu":
        return atom(`lu(${t(a)})`);
      case "solve": {
        const f = t(a);
        if (isFactor(n.args[0]!, "chol")) return { text: `${f} \\ (${f}.' \\ ${operand(b, PREC.ATOM)})`, prec: PREC.MUL };
        return op.trans
          ? { text: `${f}_P.' * (${f}_L.' \\ (${f}_U.' \\ ${operand(b, PREC.ATOM)}))`, prec: PREC.MUL }
          : { text: `${f}_U \\ (${f}_L \\ (${f}_P * ${operand(b, PREC.ATOM)}))`, prec: PREC.MUL };
      }
      case "inverse": {
        const f = t(a);
        if (isFactor(n.args[0]!, "chol")) return atom(`chol2inv(${f})`);
        return { text: `${f}_U \\ (${f}_L \\ ${f}_P)`, prec: PREC.MUL };
      }
      case "logdet": {
        const f = t(a);
        if (isFactor(n.args[0]!, "chol")) return { text: `2 * sum(log(diag(${f})))`, prec: PREC.MUL };
        return atom(`sum(log(abs(diag(${f}_U))))`);
      }
      case "det": {
        const f = t(a);
        if (isFactor(n.args[0]!, "chol")) return { text: `prod(diag(${f})) ^ 2`, prec: PREC.POW };
        return { text: `det(${f}_P) * prod(diag(${f}_U))`, prec: PREC.MUL };
      }
      case "matpow":
        return { text: `${operand(a, PREC.POSTFIX)} ^ ${op.k}`, prec: PREC.POW };
      case "logsumexp":
        return { text: `max(${t(a)}(:)) + log(sum(exp(${t(a)}(:) - max(${t(a)}(:)))))`, prec: PREC.ADD };
      case "norm2":
        return atom(`norm(${t(a)}, 'fro')`);
    }
  }

  render(parts: FunctionParts): string {
    const outs = parts.outputs.map((o) => o.code);
    const lines = [`function [${outs.join(", ")}] = ${parts.name}(${parts.params.map((p) => p.code).join(", ")})`];
    for (const h of parts.header) lines.push(h === "" ? "  %" : `  % ${h}`);
    const body: string[] = [];
    for (const p of parts.params) body.push(...this.prelude(p, parts.name, parts.dim));
    for (const s of parts.statements) body.push(this.statement(s.name, s.node, s.code));
    for (const o of parts.outputs) {
      const text = o.shapeOf && o.shapeOf.kind === "vector" ? `reshape(${o.text.text}, ${o.shapeOf.code}_shape)` : o.text.text;
      body.push(`${o.code} = ${text};`);
    }
    lines.push(...body.map((l) => `  ${l}`), "end");
    return `${lines.join("\n")}\n`;
  }

  private prelude(p: Param, fn: string, dim: (d: Dim) => string): string[] {
    const shapeText = p.kind === "scalar" ? "a scalar" : p.kind === "vector" ? `a vector of length ${String(p.axes[0]!.dim)}` : `shape (${p.axes.map((a) => String(a.dim)).join(", ")})`;
    const raise = `error('${fn}:shape', '${p.name}: expected ${shapeText}, got %s', mat2str(size(${p.code})));`;
    const out: string[] = [];
    if (p.kind === "scalar") {
      out.push(`if numel(${p.code}) ~= 1`, `  ${raise}`, "end");
      return out;
    }
    if (p.kind === "vector") {
      out.push(`${p.code}_shape = size(${p.code});`, `if ndims(${p.code}) ~= 2 || min(size(${p.code})) ~= 1 && numel(${p.code}) > 0`, `  ${raise}`, "end", `${p.code} = ${p.code}(:);`);
    } else {
      out.push(`if ndims(${p.code}) ~= 2`, `  ${raise}`, "end");
    }
    const checks: string[] = [];
    p.axes.forEach((a, i) => {
      if (p.kind === "vector" && i === 1) return;
      if (a.bind) out.push(`${dim(a.dim)} = size(${p.code}, ${i + 1});`);
      else checks.push(`size(${p.code}, ${i + 1}) ~= ${dim(a.dim)}`);
    });
    if (checks.length > 0) out.push(`if ${checks.join(" || ")}`, `  ${raise}`, "end");
    return out;
  }
}

export const octaveTarget = (): Target => new OctaveTarget();
