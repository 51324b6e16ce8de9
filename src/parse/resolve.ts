// Resolution: surface statements -> a typed Problem in core expressions.
//
// One walk per expression infers shapes over dimension variables (infer.ts), reporting clashes
// while source spans are at hand, and returns a builder that makes the core node once every
// dimension is known (the size of `I` may be fixed by a later operand).

import {
  add,
  applyFn,
  broadcast,
  commutation,
  dimValue,
  div,
  epow,
  eye,
  frobenius,
  hadamard,
  hdiv,
  isSymmetric,
  kron,
  mul,
  neg,
  ones,
  pow,
  transpose,
  inv,
  numeric,
  PI,
  zeros,
} from "../expr/build.js";
import { componentName, dvar, partial, sym, type Expr, type Sym } from "../expr/expr.js";
import * as Q from "../expr/rational.js";
import {
  broadcastShape,
  coreDims,
  dimProduct,
  divideShape,
  isScalarShape,
  frobeniusShape,
  kronShape,
  productShape,
  squareShape,
  transposeShape,
  type Dim,
  type RuleResult,
  type Sh,
  type Shape,
  type ShapeRuleError,
} from "../expr/shape.js";
import {
  didYouMean,
  errResult,
  fail,
  okResult,
  UserError,
  type Diagnostic,
  type Result,
  type Source,
} from "../diagnostics/diagnostic.js";
import { DIMENSION_FUNCTIONS, FUNCTIONS, RESERVED_NAMES } from "./functions.js";
import { KEYWORDS } from "./lexer.js";
import { DimVar, Unifier } from "./infer.js";
import type { Ident, QueryKind, SExpr, Span, Statement, TypeKind } from "./surface.js";

export interface VarInfo {
  name: string;
  typeKind: TypeKind;
  shape: Shape;
  sym: Sym;
  /** For `Sigma(theta) : spd(N)`: the parameter it depends on. */
  param?: string;
}

export interface DefInfo {
  name: string;
  sym: Sym;
  body: Expr;
  /** The body as the user typed it (for headers of generated code), when it came from source. */
  text?: string;
}

export interface QueryInfo {
  kind: QueryKind;
  expr: Expr;
  /** The query's expression as the user typed it. */
  text: string;
  wrt: VarInfo[];
}

export interface Problem {
  vars: Map<string, VarInfo>;
  dims: Set<string>;
  defs: DefInfo[];
  defsByName: Map<string, DefInfo>;
  queries: QueryInfo[];
  /**
   * Every query statement in the order written: resolved, or the error that stopped it (a bad
   * query does not stop the others; `matdiff run` reports each).
   */
  queryOutcomes: Array<{ ok: true; query: QueryInfo } | { ok: false; error: Diagnostic }>;
}

export interface SourcedStatement {
  stmt: Statement;
  source: Source;
  /** Where the wrt names came from, when not from the statement's own text (CLI --wrt). */
  wrtSource?: Source;
}

interface Inferred {
  shape: Sh<DimVar>;
  build: () => Expr;
}

const MAX_SNIPPET = 40;

/**
 * The product of the operands before the k-th of a flattened chain, as the node an error message
 * points at (a * b * c: for c, the node a * b). Made only for an error.
 */
function leftOperand(parts: ReadonlyArray<{ node: SExpr; via?: Extract<SExpr, { type: "binary" }> }>, k: number): SExpr {
  let left: SExpr = parts[0]!.node;
  for (let i = 1; i < k; i++) left = { ...parts[i]!.via!, left };
  return left;
}

export class Resolver {
  private readonly u = new Unifier();
  /**
   * What each declared or defined name infers to, made at its first use: a name's shape is known,
   * and known dimension variables are never re-linked by the unifier (only unknown ones are), so
   * every use may share one. A 10,000-factor product and the read-back of its answer name 30,000
   * matrices.
   */
  private readonly named = new Map<string, Inferred>();
  readonly problem: Problem = { vars: new Map(), dims: new Set(), defs: [], defsByName: new Map(), queries: [], queryOutcomes: [] };
  private source: Source = { name: "input", text: "" };
  /** Accept `d(NAME)` (and `d(theta, k)`) as differentials: only when rereading printed answers. */
  private differentials = false;

  /**
   * A resolver over an already resolved problem's names (its own copy of the scope), for reading
   * back what the engine printed: answers, engine definitions, differentials.
   */
  static inScope(problem: Problem, opts: { differentials?: boolean } = {}): Resolver {
    const r = new Resolver();
    for (const [k, v] of problem.vars) r.problem.vars.set(k, v);
    for (const d of problem.dims) r.problem.dims.add(d);
    for (const d of problem.defs) {
      r.problem.defs.push(d);
      r.problem.defsByName.set(d.name, d);
    }
    r.differentials = opts.differentials ?? false;
    return r;
  }

  /** Add a definition whose symbol the engine already made (an engine-named subexpression). */
  defineResolved(info: DefInfo): void {
    this.problem.defs.push(info);
    this.problem.defsByName.set(info.name, info);
  }

  add(item: SourcedStatement): void {
    this.source = item.source;
    const s = item.stmt;
    switch (s.type) {
      case "decl":
        return this.declare(s);
      case "def":
        return this.define(s.name, s.expr, item.source.text.slice(s.expr.span.start, s.expr.span.end));
      case "query":
        return this.query(s.kind, s.expr, s.wrt, item.wrtSource);
    }
  }

  /** Resolve a free-standing expression (a claimed gradient, a side of `equal`) in this scope. */
  expression(e: SExpr, source: Source): Expr {
    this.source = source;
    return this.infer(e).build();
  }

  // ---------------------------------------------------------------- statements

  private checkNewName(id: Ident): void {
    const n = id.name;
    if (RESERVED_NAMES.has(n) || (KEYWORDS as readonly string[]).includes(n)) {
      this.error("syntax", `'${n}' is reserved (a function, the identity I or the constant pi) and cannot be declared`, id.span);
    }
    if (this.problem.vars.has(n) || this.problem.defsByName.has(n)) {
      this.error("syntax", `'${n}' is already declared or defined`, id.span);
    }
    if (this.problem.dims.has(n)) {
      this.error("syntax", `'${n}' is already a dimension name; a name is either a dimension or a value`, id.span);
    }
  }

  private declare(s: Extract<Statement, { type: "decl" }>): void {
    this.checkNewName(s.name);
    const factor = (text: string, span: Span): Dim => {
      if (/^\d/.test(text)) {
        const n = Number(text);
        if (!Number.isInteger(n) || n < 1 || n > 1e6) {
          this.error("shape", `a dimension must be a positive integer, not ${text}`, span);
        }
        return n;
      }
      if (this.problem.vars.has(text) || this.problem.defsByName.has(text) || RESERVED_NAMES.has(text)) {
        this.error("syntax", `'${text}' is a value, not a dimension`, span);
      }
      if (text === s.name.name) this.error("syntax", `'${text}' cannot be both a value and its own dimension`, span);
      this.problem.dims.add(text);
      return text;
    };
    // n*m: the product of its factors, as vec and kron sizes are written (eye(n*m))
    const dims: Dim[] = s.dims.map((d) => (d.text.includes("*") ? d.text.split("*").map((t) => factor(t, d.span)).reduce(dimProduct) : factor(d.text, d.span)));
    let shape: Shape;
    switch (s.typeKind) {
      case "scalar":
      case "positive":
      case "integer":
        shape = [1, 1];
        break;
      case "vector":
        shape = [dims[0]!, 1];
        break;
      case "matrix":
        shape = [dims[0]!, dims[1]!];
        break;
      case "symmetric":
      case "spd":
        shape = [dims[0]!, dims[0]!];
        break;
      case "simplex":
        // a probability vector (entries ≥ 0, summing to 1), or a matrix of such columns
        shape = [dims[0]!, dims[1] ?? 1];
        break;
    }
    if (s.param) {
      const p = this.problem.vars.get(s.param.name);
      if (!p) this.error("unknown-name", `'${s.param.name}' must be declared before ${s.name.name} can depend on it`, s.param.span);
      if (p.shape[1] !== 1) this.error("shape", `a parameter must be a scalar or a vector; ${p.name} is ${p.shape[0]}×${p.shape[1]}`, s.param.span);
    }
    const symmetric = s.typeKind === "symmetric" || s.typeKind === "spd" || s.typeKind === "scalar" || s.typeKind === "positive" || s.typeKind === "integer";
    const info: VarInfo = {
      name: s.name.name,
      typeKind: s.typeKind,
      shape,
      sym: sym(s.name.name, shape, "var", symmetric),
      ...(s.param ? { param: s.param.name } : {}),
    };
    this.problem.vars.set(info.name, info);
  }

  private define(name: Ident, body: SExpr, text?: string): void {
    this.checkNewName(name);
    const e = this.infer(body).build();
    const info: DefInfo = { name: name.name, sym: sym(name.name, e.shape, "def", isSymmetric(e)), body: e, ...(text ? { text } : {}) };
    this.problem.defs.push(info);
    this.problem.defsByName.set(info.name, info);
  }

  private query(kind: QueryKind, body: SExpr, wrt: Ident[], wrtSource?: Source): void {
    const inferred = this.infer(body);
    const e = inferred.build();
    if (kind === "grad" || kind === "hessian") {
      if (e.shape[0] !== 1 || e.shape[1] !== 1) {
        this.error("shape", `${kind} needs a scalar function, but this expression is ${e.shape[0]}×${e.shape[1]}`, body.span, {
          hint: kind === "grad" ? "for a vector or matrix function use jacobian or differential" : undefined,
        });
      }
    }
    const vars = wrt.map((w) => {
      const v = this.problem.vars.get(w.name);
      const src = wrtSource ?? this.source;
      if (v?.typeKind === "simplex") {
        this.errorIn(src, "unsupported", `'${w.name}' is declared simplex: its entries are tied by sum = 1, so it has no unconstrained gradient`, w.span, {
          hint: "declare it vector or matrix to differentiate with respect to it",
        });
      }
      if (v?.typeKind === "integer") {
        this.errorIn(src, "unsupported", `'${w.name}' is declared integer: there is no derivative with respect to it`, w.span, {
          hint: `declare it scalar to differentiate with respect to it (X^${w.name} then needs a number for the power)`,
        });
      }
      if (v) return v;
      if (this.problem.defsByName.has(w.name)) {
        this.errorIn(src, "unknown-name", `'${w.name}' is defined, not declared: differentiate with respect to a declared variable`, w.span);
      }
      const hint = didYouMean(w.name, this.problem.vars.keys());
      this.errorIn(src, "unknown-name", `cannot differentiate with respect to '${w.name}': it is not declared`, w.span, {
        hint: hint ? `did you mean '${hint}'?` : `declare it, e.g. ${w.name} : matrix(n, m)`,
      });
    });
    const text = this.source.text.slice(body.span.start, body.span.end);
    const info: QueryInfo = { kind, expr: e, text, wrt: vars };
    this.problem.queries.push(info);
    this.problem.queryOutcomes.push({ ok: true, query: info });
  }

  // ---------------------------------------------------------------- expressions

  private infer(e: SExpr): Inferred {
    switch (e.type) {
      case "num":
        return this.inferNumber(e);
      case "name":
        return this.inferName(e.name, e.span);
      case "hole":
        return this.error("syntax", `'?${e.name}' is a pattern variable, only for rule tables`, e.span);
      case "bars":
        return this.inferBars(e);
      case "call":
        return this.inferCall(e);
      case "unary": {
        const a = this.infer(e.arg);
        return { shape: a.shape, build: () => (e.op === "-" ? neg(a.build()) : a.build()) };
      }
      case "postfix": {
        const a = this.infer(e.arg);
        if (e.op === "'") return { shape: transposeShape(a.shape), build: () => transpose(a.build()) };
        const r = this.check(squareShape(this.u, "⁻¹", a.shape), e, [e.arg]);
        return { shape: r, build: () => inv(a.build()) };
      }
      case "binary":
        if (e.op === "+" || e.op === "-") return this.inferSum(e);
        if (e.op === "*") return this.inferProduct(e);
        return this.inferBinary(e);
    }
  }

  private inferNumber(e: Extract<SExpr, { type: "num" }>): Inferred {
    const v = Q.toNumber(e.value);
    if (!Number.isFinite(v)) this.error("limit", `the number ${e.text} is too large`, e.span);
    if (v === 0 && /[1-9]/.test(e.text.split(/[eE]/)[0]!)) this.error("limit", `the number ${e.text} is too small (it would be 0)`, e.span);
    return { shape: this.scalarShape(), build: () => numeric(e.value) };
  }

  /** The operands of a left-associative chain of the given operators, leftmost first (no recursion). */
  private chain(e: SExpr, ops: readonly string[]): Array<{ node: SExpr; via?: Extract<SExpr, { type: "binary" }> }> {
    const spine: Array<Extract<SExpr, { type: "binary" }>> = [];
    let cur = e;
    while (cur.type === "binary" && ops.includes(cur.op)) {
      spine.push(cur);
      cur = cur.left;
    }
    // (built in one pass: products and sums of thousands of operands pass here)
    const parts: Array<{ node: SExpr; via?: Extract<SExpr, { type: "binary" }> }> = [{ node: cur }];
    for (let i = spine.length - 1; i >= 0; i--) parts.push({ node: spine[i]!.right, via: spine[i]! });
    return parts;
  }

  /** a ± b ± c ...: one flat sum, so thousands of terms neither recurse deeply nor rebuild n times. */
  private inferSum(e: Extract<SExpr, { type: "binary" }>): Inferred {
    const parts = this.chain(e, ["+", "-"]);
    let shape: Sh<DimVar> | undefined;
    const terms: Array<{ negative: boolean; t: Inferred }> = [];
    for (const { node, via } of parts) {
      const t = this.infer(node);
      if (shape && via) {
        // (the node an error would point at is made only for an error: sums of thousands of terms)
        const r = broadcastShape(this.u, via.op, shape, t.shape);
        shape = r.ok ? r.shape : this.check(r, { ...via, left: parts[0]!.node }, [parts[0]!.node, node]);
      } else shape = t.shape;
      terms.push({ negative: via?.op === "-", t });
    }
    return {
      shape: shape!,
      build: () => {
        const built = terms.map(({ negative, t }) => (negative ? neg(t.build()) : t.build()));
        const target = broadcastTarget(built);
        return add(built.map((b) => broadcast(b, target)));
      },
    };
  }

  /** a * b * c ...: one flat product. */
  private inferProduct(e: Extract<SExpr, { type: "binary" }>): Inferred {
    const parts = this.chain(e, ["*"]);
    let shape: Sh<DimVar> | undefined;
    const factors: Inferred[] = [];
    for (let k = 0; k < parts.length; k++) {
      const { node, via } = parts[k]!;
      const f = this.infer(node);
      if (shape && via) {
        const r = productShape(this.u, shape, f.shape);
        if (r.ok) shape = r.shape;
        else {
          const left = leftOperand(parts, k);
          this.check(r, { ...via, left }, [left, node]);
        }
      } else shape = f.shape;
      factors.push(f);
    }
    return { shape: shape!, build: () => mul(factors.map((f) => f.build())) };
  }

  private isKnownName(n: string): boolean {
    return this.problem.vars.has(n) || this.problem.defsByName.has(n) || this.problem.dims.has(n);
  }

  private scalarShape(): Sh<DimVar> {
    return [this.u.one, this.u.one];
  }

  private inferName(name: string, span: Span): Inferred {
    const known = this.named.get(name);
    if (known) return known;
    const v = this.problem.vars.get(name);
    if (v) return this.namedValue(name, v.sym);
    const d = this.problem.defsByName.get(name);
    if (d) return this.namedValue(name, d.sym);
    if (this.problem.dims.has(name)) return { shape: this.scalarShape(), build: () => dimValue(name) };
    if (name === "pi" || name === "π") return { shape: this.scalarShape(), build: () => PI };
    if (name === "𝟏") {
      // a column of ones, its length inferred from where it stands (x − 𝟏, 𝟏ᵀx), as for I
      const n = this.u.fresh();
      return {
        shape: [n, this.u.one],
        build: () => ones([this.knownDim(n, span, "the length of 𝟏 cannot be inferred here", "write ones(n) with its length"), 1]),
      };
    }
    if (name === "I") {
      const n = this.u.fresh();
      return {
        shape: [n, n],
        build: () => eye(this.knownDim(n, span, "the size of I cannot be inferred here", "write eye(n) with its size")),
      };
    }
    if (FUNCTIONS.has(name) || DIMENSION_FUNCTIONS.has(name)) {
      this.error("syntax", `'${name}' is a function: call it with arguments, ${name}(...)`, span);
    }
    const candidates = [...this.problem.vars.keys(), ...this.problem.defsByName.keys(), ...this.problem.dims];
    const hint = didYouMean(name, candidates);
    return this.error("unknown-name", `unknown name '${name}'`, span, {
      hint: hint ? `did you mean '${hint}'?` : `declare it first, e.g. ${name} : matrix(n, m)`,
    });
  }

  /** (a name, once declared or defined, stays what it is: no statement may declare it again) */
  private namedValue(name: string, value: Sym): Inferred {
    const r: Inferred = { shape: [this.u.known(value.shape[0]), this.u.known(value.shape[1])], build: () => value };
    this.named.set(name, r);
    return r;
  }

  private knownDim(v: DimVar, span: Span, message: string, hint: string): Dim {
    const d = this.u.valueOf(v);
    if (d === undefined) this.error("shape", message, span, { hint });
    return d;
  }

  private inferBars(e: Extract<SExpr, { type: "bars" }>): Inferred {
    const a = this.infer(e.arg);
    if (this.u.isOne(a.shape[0]) && this.u.isOne(a.shape[1])) {
      return { shape: a.shape, build: () => applyFn("abs", [a.build()]) };
    }
    this.check(squareShape(this.u, "|X| (determinant)", a.shape), e, [e.arg]);
    return { shape: this.scalarShape(), build: () => applyFn("det", [a.build()]) };
  }

  private inferCall(e: Extract<SExpr, { type: "call" }>): Inferred {
    if (DIMENSION_FUNCTIONS.has(e.fn)) return this.inferDimensionCall(e);
    if (this.differentials && e.fn === "d") return this.inferDifferential(e);
    const spec = FUNCTIONS.get(e.fn);
    if (!spec) {
      if (e.fn === "partial") return this.inferPartial(e);
      if (this.problem.vars.has(e.fn) || this.problem.defsByName.has(e.fn)) {
        this.error("syntax", `'${e.fn}' is a value, not a function; there is no implicit multiplication`, e.fnSpan, {
          hint: `write ${e.fn}*(...) for a product`,
        });
      }
      const known = FUNCTION_HINTS[e.fn];
      const hint = known ?? didYouMean(e.fn, [...FUNCTIONS.keys(), ...DIMENSION_FUNCTIONS]);
      this.error("unknown-name", `unknown function '${e.fn}'`, e.fnSpan, hint ? { hint: known ?? `did you mean '${hint}'?` } : {});
    }
    if (e.fn === "logsumexp" && e.args.length === 2) return this.inferAxisLogsumexp(e);
    if (e.args.length !== spec.arity) {
      this.error("syntax", `${e.fn} takes ${spec.arity} argument${spec.arity === 1 ? "" : "s"}, not ${e.args.length}`, e.span);
    }
    const args = e.args.map((a) => this.infer(a));
    const shape = this.check(spec.shape(this.u, args.map((a) => a.shape)), e, e.args, e.fn);
    return { shape, build: () => spec.build(args.map((a) => a.build())) };
  }

  /**
   * logsumexp(X, 1): of each column (a row, as MATLAB's dimension 1); logsumexp(X, 2): of each
   * row (a column), written as logsumexp(Xᵀ, 1)ᵀ.
   */
  private inferAxisLogsumexp(e: Extract<SExpr, { type: "call" }>): Inferred {
    const axis = e.args[1]!;
    if (axis.type !== "num" || !(Q.equal(axis.value, Q.ONE) || Q.equal(axis.value, Q.rat(2)))) {
      return this.error("syntax", "the axis of logsumexp is 1 (each column) or 2 (each row)", axis.span);
    }
    const x = this.infer(e.args[0]!);
    if (Q.equal(axis.value, Q.ONE)) return { shape: [this.u.one, x.shape[1]], build: () => applyFn("logsumexp_cols", [x.build()]) };
    return { shape: [x.shape[0], this.u.one], build: () => transpose(applyFn("logsumexp_cols", [transpose(x.build())])) };
  }

  /** d(X) as the plain form prints a differential; d(theta, k) for the component dθ_k. */
  private inferDifferential(e: Extract<SExpr, { type: "call" }>): Inferred {
    const [x, k] = e.args;
    if (x?.type !== "name" || e.args.length > 2 || (k && k.type !== "name")) {
      return this.error("syntax", "d takes a name, or a vector parameter and a component: d(X), d(theta, k)", e.span);
    }
    if (k?.type === "name") {
      return { shape: this.scalarShape(), build: () => dvar(componentName(x.name, k.name), [1, 1], true) };
    }
    const s = this.problem.vars.get(x.name)?.sym ?? this.problem.defsByName.get(x.name)?.sym;
    if (!s) return this.error("unknown-name", `unknown name '${x.name}'`, x.span);
    return { shape: [this.u.known(s.shape[0]), this.u.known(s.shape[1])], build: () => dvar(s.name, s.shape, s.symmetric) };
  }

  /** partial(Sigma, theta): the derivative of a declared Sigma(theta) with respect to its scalar theta. */
  private inferPartial(e: Extract<SExpr, { type: "call" }>): Inferred {
    const [f, p, k] = e.args;
    if (e.args.length < 2 || e.args.length > 3 || f?.type !== "name" || p?.type !== "name" || (k && k.type !== "name")) {
      return this.error("syntax", "partial takes a parameterised name, its parameter and, for a vector parameter, a component name: partial(Sigma, theta) or partial(Sigma, theta, k)", e.span);
    }
    const v = this.problem.vars.get(f.name);
    if (!v || v.param !== p.name) {
      return this.error("unknown-name", `${f.name} is not declared as a function of ${p.name}`, f.span, {
        hint: `declare it as ${f.name}(${p.name}) : TYPE`,
      });
    }
    const vector = this.problem.vars.get(p.name)!.shape[0] !== 1;
    if (vector !== (k !== undefined)) {
      return this.error("syntax", vector ? `${p.name} is a vector: name the component, partial(${f.name}, ${p.name}, k)` : `${p.name} is a scalar: partial(${f.name}, ${p.name}) takes no component`, e.span);
    }
    const index = k?.type === "name" ? k.name : undefined;
    return { shape: [this.u.known(v.shape[0]), this.u.known(v.shape[1])], build: () => partial(v.name, p.name, v.shape, v.sym.symmetric, index) };
  }

  /**
   * eye(n), ones(n), ones(n, m), zeros(n, m), commutation(m, n): arguments are dimension names,
   * positive integers or their products.
   */
  private inferDimensionCall(e: Extract<SExpr, { type: "call" }>): Inferred {
    const max = e.fn === "eye" ? 1 : 2;
    const min = e.fn === "commutation" ? 2 : 1;
    if (e.args.length < min || e.args.length > max) {
      this.error("syntax", `${e.fn} takes ${max === 1 ? "one dimension" : min === 2 ? "two dimensions" : "one or two dimensions"}`, e.span);
    }
    const dimOf = (a: SExpr): Dim => {
      if (a.type === "num" && Q.isInteger(a.value) && a.value.num >= 1) return a.value.num;
      if (a.type === "name" && this.problem.dims.has(a.name)) return a.name;
      if (a.type === "name") {
        const hint = didYouMean(a.name, this.problem.dims);
        return this.error("unknown-name", `'${a.name}' is not a dimension name`, a.span, hint ? { hint: `did you mean '${hint}'?` } : {});
      }
      // a product of dimensions, as the size of vec(X) or of a Kronecker product: eye(n*m)
      if (a.type === "binary" && a.op === "*") return dimProduct(dimOf(a.left), dimOf(a.right));
      return this.error("syntax", `${e.fn} takes dimensions (names, positive integers or their products)`, a.span);
    };
    const dims = e.args.map(dimOf);
    if (e.fn === "commutation") {
      const size = dimProduct(dims[0]!, dims[1]!);
      return { shape: [this.u.known(size), this.u.known(size)], build: () => commutation(dims[0]!, dims[1]!) };
    }
    const rows = dims[0]!;
    const cols = e.fn === "eye" ? rows : (dims[1] ?? 1);
    const shape: Shape = [rows, cols];
    const build = e.fn === "eye" ? () => eye(rows) : e.fn === "ones" ? () => ones(shape) : () => zeros(shape);
    return { shape: [this.u.known(rows), this.u.known(cols)], build };
  }

  private inferBinary(e: Extract<SExpr, { type: "binary" }>): Inferred {
    // x^T as in a paper: the language's transpose is a postfix '
    if ((e.op === "^" || e.op === ".^") && e.right.type === "name" && e.right.name === "T" && !this.isKnownName("T")) {
      this.error("syntax", "T is not a name here: for a transpose write x' (or xᵀ)", e.right.span);
    }
    const a = this.infer(e.left);
    const b = this.infer(e.right);
    const operands = [e.left, e.right];
    switch (e.op) {
      case "+":
      case "-":
        return this.inferSum(e);
      case "*": {
        const shape = this.check(productShape(this.u, a.shape, b.shape), e, operands);
        return { shape, build: () => mul([a.build(), b.build()]) };
      }
      case "/": {
        const shape = this.check(divideShape(this.u, a.shape, b.shape), e, operands);
        return { shape, build: () => div(a.build(), b.build()) };
      }
      case ".*":
      case "./":
      case ".^": {
        const shape = this.check(broadcastShape(this.u, e.op, a.shape, b.shape), e, operands);
        const make = e.op === ".*" ? (x: Expr, y: Expr) => hadamard([x, y]) : e.op === "./" ? hdiv : epow;
        return {
          shape,
          build: () => {
            // a row or column meets an array: written out (𝟏 row, col 𝟏ᵀ); a scalar stays a scalar
            const [x, y] = [a.build(), b.build()];
            const target = broadcastTarget([x, y]);
            const stretch = (v: Expr) => (isScalarShape(coreDims, v.shape) ? v : broadcast(v, target));
            return make(stretch(x), stretch(y));
          },
        };
      }
      case ":": {
        const shape = this.check(frobeniusShape(this.u, a.shape, b.shape), e, operands);
        return { shape, build: () => frobenius(a.build(), b.build()) };
      }
      case "⊗": {
        const shape = this.check(kronShape(this.u, a.shape, b.shape), e, operands);
        return { shape, build: () => kron(a.build(), b.build()) };
      }
      case "^":
        return this.inferPower(e, a, b);
    }
  }

  private inferPower(e: Extract<SExpr, { type: "binary" }>, a: Inferred, b: Inferred): Inferred {
    if (!(this.u.isOne(b.shape[0]) && this.u.isOne(b.shape[1]))) {
      this.error("shape", `the exponent of ^ must be a scalar, but it is ${this.u.format(b.shape)}`, e.right.span, {
        hint: "for an elementwise power use .^",
      });
    }
    if (this.u.isOne(a.shape[0]) && this.u.isOne(a.shape[1])) {
      return { shape: a.shape, build: () => pow(a.build(), b.build()) };
    }
    const shape = this.check(squareShape(this.u, "^", a.shape), e, [e.left]);
    const k = constantValue(e.right);
    if (k === undefined && this.isIntegerExpression(e.right)) {
      // X^k for a declared `integer` k (or a size): differentiable inside a trace, tr(X^k)
      return { shape, build: () => pow(a.build(), b.build()) };
    }
    if (k === undefined && e.right.type === "postfix" && e.right.op === "'" && constantValue(e.right.arg) !== undefined) {
      // MATLAB reads X^2' as (X^2)'; here the transpose binds tighter (LANGUAGE.md section 2)
      this.error("shape", "X^2' reads as X^(2'): the transpose binds tighter than ^, so it applies to the exponent", e.right.span, {
        hint: "write (X^2)' for the transpose of the power",
      });
    }
    if (k === undefined || !Q.isInteger(k)) {
      this.error("shape", "a matrix power needs an integer exponent: a number (X^2, X^-1, X^(2*2)), or a variable declared integer (X^k, X^(k-1))", e.right.span, {
        hint: "for an elementwise power use .^",
      });
    }
    if (Math.abs(k.num) > 64) {
      this.error("limit", `matrix power ${k.num} is beyond the supported range (|k| ≤ 64)`, e.right.span);
    }
    return { shape, build: () => pow(a.build(), numeric(k)) };
  }

  /** Built from integers, sizes and variables declared `integer` with + - * only. */
  private isIntegerExpression(e: SExpr): boolean {
    switch (e.type) {
      case "num":
        return Q.isInteger(e.value);
      case "name":
        return this.problem.dims.has(e.name) || this.problem.vars.get(e.name)?.typeKind === "integer";
      case "unary":
        return this.isIntegerExpression(e.arg);
      case "binary":
        return (e.op === "+" || e.op === "-" || e.op === "*") && this.isIntegerExpression(e.left) && this.isIntegerExpression(e.right);
      default:
        return false;
    }
  }

  // ---------------------------------------------------------------- errors

  private check(r: RuleResult<DimVar>, node: SExpr, operands: SExpr[], fn?: string): Sh<DimVar> {
    if (r.ok) return r.shape;
    return this.shapeError(r.error, node, operands, fn);
  }

  private snippet(e: SExpr): string {
    const t = this.source.text.slice(e.span.start, e.span.end).replace(/\s+/g, " ");
    return t.length > MAX_SNIPPET ? `${t.slice(0, MAX_SNIPPET - 1)}…` : t;
  }

  private shapeOf(e: SExpr): string {
    // re-inferring a child is cheap and side-effect free for a failed node's operands
    return this.u.format(this.infer(e).shape);
  }

  private shapeError(err: ShapeRuleError, node: SExpr, operands: SExpr[], fn?: string): never {
    const span = node.type === "binary" ? node.span : node.span;
    switch (err.code) {
      case "clash": {
        const [l, r] = operands as [SExpr, SExpr];
        const ls = this.shapeOf(l);
        const rs = this.shapeOf(r);
        if (err.what === "*") {
          return this.error("shape", `cannot multiply ${this.snippet(l)} (${ls}) by ${this.snippet(r)} (${rs}): the inner dimensions differ`, span, {
            hint: "check for a missing transpose (')",
          });
        }
        const op = fn ?? err.what;
        return this.error("shape", `'${op}' needs operands of the same shape (or a scalar, or a row or column to broadcast), but ${this.snippet(l)} is ${ls} and ${this.snippet(r)} is ${rs}`, span);
      }
      case "not-square": {
        const a = operands[0]!;
        return this.error("shape", `${fn ?? err.what} needs a square matrix, but ${this.snippet(a)} is ${this.shapeOf(a)}`, span);
      }
      case "not-scalar": {
        const [a, b] = operands as [SExpr, SExpr];
        const bs = this.infer(b).shape;
        const vector = this.u.isOne(bs[0]) || this.u.isOne(bs[1]);
        const [r, c] = [this.u.valueOf(bs[0]), this.u.valueOf(bs[1])];
        const square = r !== undefined && r === c;
        return this.error("shape", `'/' divides by a scalar only, but ${this.snippet(b)} is ${this.shapeOf(b)}`, span, {
          hint:
            vector || !square
              ? `for elementwise division write ${this.snippet(a)} ./ ${this.snippet(b)}`
              : `to divide by a matrix, multiply by its inverse: ${this.snippet(a)}*inv(${this.snippet(b)}), or write ./ for elementwise division`,
        });
      }
      case "not-vector": {
        const a = operands[0]!;
        return this.error("shape", `${fn ?? err.what} needs a column vector, but ${this.snippet(a)} is ${this.shapeOf(a)}`, span);
      }
      case "unknown-size":
        return this.error("shape", `the sizes in ${err.what} cannot be inferred here`, span, { hint: "write eye(n) instead of I" });
    }
  }

  private error(kind: Diagnostic["kind"], message: string, span: Span, extra: Partial<Diagnostic> = {}): never {
    return this.errorIn(this.source, kind, message, span, extra);
  }

  private errorIn(source: Source, kind: Diagnostic["kind"], message: string, span: Span, extra: Partial<Diagnostic> = {}): never {
    const clean: Partial<Diagnostic> = {};
    if (extra.hint) clean.hint = extra.hint;
    return fail(kind, message, { source, span, ...clean });
  }
}

/** Functions people type from other tools, and what to write here instead. */
const FUNCTION_HINTS: Partial<Record<string, string>> = {
  norm: "write norm2(x) for the Euclidean (Frobenius) norm, or norm1(x) for the sum of absolute values",
  transpose: "write x' (or xᵀ) for a transpose",
  inverse: "write inv(X)",
  determinant: "write det(X)",
  log_det: "write logdet(X)",
  sign: "write x./abs(x) for the sign",
  t: "write x' (or xᵀ) for a transpose",
};

/**
 * The value of an exponent written with numbers only (2, -1, (1+1), 2^2, 6/3), or undefined. A
 * transpose is not looked through: X^2' reads as X^(2') and gets its own error (see inferPower).
 */
function constantValue(e: SExpr): Q.Rational | undefined {
  if (e.type === "num") return e.value;
  if (e.type === "unary") {
    const v = constantValue(e.arg);
    return v === undefined ? undefined : e.op === "-" ? Q.neg(v) : v;
  }
  if (e.type !== "binary") return undefined;
  const a = constantValue(e.left);
  const b = a === undefined ? undefined : constantValue(e.right);
  if (a === undefined || b === undefined) return undefined;
  try {
    switch (e.op) {
      case "+":
        return Q.add(a, b);
      case "-":
        return Q.add(a, Q.neg(b));
      case "*":
        return Q.mul(a, b);
      case "/":
        return Q.isZero(b) ? undefined : Q.mul(a, Q.inv(b));
      case "^":
        // (whole powers only, and not huge ones: a matrix power past 64 is refused as out of range)
        return Q.isInteger(b) && Math.abs(b.num) <= 1024 && !(Q.isZero(a) && b.num < 0) ? Q.pow(a, b.num) : undefined;
      default:
        return undefined;
    }
  } catch (err) {
    if (err instanceof Q.CoefficientOverflow) return undefined;
    throw err;
  }
}

/**
 * Declarations may come in any order (LANGUAGE.md: `Sigma(theta) : spd(N); theta : scalar`, and a
 * JSON `decls` object has no order at all): plain declarations first, then those that depend on a
 * parameter, then definitions and queries in the order written.
 */
/** The shape operands of + − .* ./ .^ broadcast to: each axis is the first size other than 1. */
function broadcastTarget(operands: readonly Expr[]): Shape {
  const rows = operands.find((o) => o.shape[0] !== 1)?.shape[0] ?? 1;
  const cols = operands.find((o) => o.shape[1] !== 1)?.shape[1] ?? 1;
  return [rows, cols];
}

export function inResolutionOrder(items: readonly SourcedStatement[]): SourcedStatement[] {
  // (a stable partition, as a stable sort by rank would give, in one pass: problems of thousands of statements)
  const plain: SourcedStatement[] = [];
  const parameterised: SourcedStatement[] = [];
  const rest: SourcedStatement[] = [];
  for (const i of items) (i.stmt.type !== "decl" ? rest : i.stmt.param ? parameterised : plain).push(i);
  return plain.concat(parameterised, rest);
}

export function resolveProblem(items: SourcedStatement[]): Result<Problem> {
  const r = new Resolver();
  try {
    for (const item of inResolutionOrder(items)) {
      if (item.stmt.type !== "query") {
        r.add(item);
        continue;
      }
      // a bad query is recorded and the others go on; a bad declaration or definition stops all
      try {
        r.add(item);
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        r.problem.queryOutcomes.push({ ok: false, error: e.diagnostic });
      }
    }
  } catch (e) {
    if (e instanceof UserError) return errResult(e.diagnostic);
    throw e;
  }
  // a problem made of one query (the CLI's grad, a batch line) fails with that query's error
  const failed = r.problem.queryOutcomes.find((q) => !q.ok);
  if (failed && !failed.ok && r.problem.queryOutcomes.length === 1) return errResult(failed.error);
  return okResult(r.problem);
}
