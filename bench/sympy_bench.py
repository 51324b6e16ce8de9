#!/usr/bin/env python3
"""SymPy on the corpus problems, for `npm run bench`: time of a cold `diff` and whether it is right.

Usage: python3 bench/sympy_bench.py CORPUS.json  (prints one JSON object: id -> result)

Each problem is written in SymPy's matrix-expression language (MatrixSymbol, Trace, Inverse,
Determinant, HadamardProduct, ...) by a small translator of matdiff's syntax below; what it cannot
express (vec, norm1, softmax, logsumexp, elementwise functions SymPy does not differentiate) is
reported as "not expressible". The time is that of `diff` (twice for a Hessian) with SymPy's cache
cleared first, as a fresh process would see it. The answer is then checked numerically against
central differences computed by the corpus's own checker (../shared/tools/checkfd.py: its point
sampling, domains and difference formulas), so "answered" means answered correctly.
"""
from __future__ import annotations

import json
import os
import re
import signal
import sys
import time

import numpy as np
import sympy as sp
from sympy.core.cache import clear_cache

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKER = os.path.join(HERE, "..", "..", "shared", "tools")
sys.path.insert(0, CHECKER)
import checkfd  # noqa: E402  (the corpus's checker, beside the corpus)


class NotExpressible(Exception):
    pass


TOKEN = re.compile(r"\s*(?:(\d+\.?\d*(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(\.\*|\./|\.\^|[-+*/^'(),|:]))")


def tokenize(text):
    out, i = [], 0
    text = text.strip()
    while i < len(text):
        m = TOKEN.match(text, i)
        if not m:
            raise NotExpressible("character %r" % text[i])
        out.append(m.group(1) or m.group(2) or m.group(3))
        i = m.end()
    return out


def is_matrix(e):
    return isinstance(e, sp.MatrixExpr)


def as_scalar(e):
    """A 1×1 matrix expression used as a scalar is its trace (SymPy's own idiom)."""
    if is_matrix(e):
        if e.shape == (1, 1):
            return sp.Trace(e)
        raise NotExpressible("matrix used as a scalar")
    return e


class Identity:
    """`I` or `eye`: its size comes from the operand it meets."""


def sized(e, like):
    return sp.Identity(like.shape[0]) if isinstance(e, Identity) else e


ELEMENTWISE = {"exp": sp.exp, "log": sp.log, "ln": sp.log, "sqrt": sp.sqrt, "sin": sp.sin, "cos": sp.cos,
               "tanh": sp.tanh, "sigmoid": lambda x: 1 / (1 + sp.exp(-x)), "abs": sp.Abs}


class Translator:
    def __init__(self, names):
        self.names = names

    def parse(self, text):
        self.toks, self.i = tokenize(text), 0
        e = self.sum()
        if self.i != len(self.toks):
            raise NotExpressible("trailing %r" % self.toks[self.i])
        return e

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, want=None):
        t = self.peek()
        if want is not None and t != want:
            raise NotExpressible("expected %r" % want)
        self.i += 1
        return t

    def sum(self):
        e = self.product()
        while self.peek() in ("+", "-"):
            op = self.take()
            r = self.product()
            e = add(e, r if op == "+" else -r)
        return e

    def product(self):
        e = self.unary()
        while self.peek() in ("*", "/", ".*", "./"):
            op = self.take()
            r = self.unary()
            if op == "*":
                e = mul(e, r)
            elif op == "/":
                e = mul(e, 1 / as_scalar(r))
            elif op == ".*":
                e = hadamard(e, r)
            else:
                e = hadamard(e, hpow(r, -1))
        return e

    def unary(self):
        if self.peek() == "-":
            self.take()
            return -self.unary()
        if self.peek() == "+":
            self.take()
            return self.unary()
        return self.power()

    def power(self):
        base = self.postfix()
        if self.peek() in ("^", ".^"):
            op = self.take()
            k = self.unary() if self.peek() in ("-", "+") else self.power()
            if op == ".^":
                return hpow(base, k)
            if is_matrix(base) and base.shape != (1, 1):
                return sp.Inverse(base) if k == -1 else sp.MatPow(base, k)
            return as_scalar(base) ** as_scalar(k)
        return base

    def postfix(self):
        e = self.primary()
        while self.peek() == "'":
            self.take()
            e = e.T if is_matrix(e) else e
        return e

    def primary(self):
        t = self.take()
        if t is None:
            raise NotExpressible("end of input")
        if t == "(":
            e = self.sum()
            self.take(")")
            return e
        if t == "|":
            e = self.sum()
            self.take("|")
            return sp.Determinant(e) if is_matrix(e) and e.shape != (1, 1) else sp.Abs(as_scalar(e))
        if re.match(r"\d", t):
            return sp.Rational(t) if "." not in t and "e" not in t.lower() else sp.Float(t)
        if self.peek() == "(":
            self.take()
            args = [self.sum()]
            while self.peek() == ",":
                self.take()
                args.append(self.sum())
            self.take(")")
            return call(t, args, self.names)
        if t == "I":
            return Identity()
        if t not in self.names:
            raise NotExpressible("name %r" % t)
        return self.names[t]


def add(a, b):
    if isinstance(a, Identity) or isinstance(b, Identity):
        a, b = sized(a, b), sized(b, a)
    if is_matrix(a) and is_matrix(b):
        if a.shape == b.shape:
            return a + b
        if a.shape == (1, 1) or b.shape == (1, 1):
            return as_scalar(a) + as_scalar(b)
        raise NotExpressible("broadcast")
    if is_matrix(a) or is_matrix(b):
        m = a if is_matrix(a) else b
        if m.shape == (1, 1):
            return as_scalar(a) + as_scalar(b)
        s = b if m is a else a
        return m + s * sp.OneMatrix(*m.shape)
    return a + b


def mul(a, b):
    if isinstance(a, Identity):
        return b
    if isinstance(b, Identity):
        return a
    if is_matrix(a) and is_matrix(b):
        if a.shape[1] == b.shape[0]:
            return a * b
        if a.shape == (1, 1):
            return sp.Trace(a) * b
        if b.shape == (1, 1):
            return a * sp.Trace(b)
        raise NotExpressible("product shapes")
    return a * b


def hadamard(a, b):
    if not is_matrix(a) or not is_matrix(b):
        return mul(a, b)  # a scalar operand scales
    return sp.HadamardProduct(a, b)


def hpow(a, k):
    if is_matrix(a) and a.shape != (1, 1):
        return sp.HadamardPower(a, as_scalar(k))
    return as_scalar(a) ** as_scalar(k)


def call(fn, args, names):
    a = args[0]
    if fn in ("tr", "trace"):
        return sp.Trace(a)
    if fn == "inv":
        return sp.Inverse(a) if is_matrix(a) and a.shape != (1, 1) else 1 / as_scalar(a)
    if fn == "det":
        return sp.Determinant(a)
    if fn == "logdet":
        return sp.log(sp.Determinant(a))
    if fn == "sum":
        return sp.Trace(sp.OneMatrix(a.shape[1], a.shape[0]) * a) if is_matrix(a) else a
    if fn == "norm2":
        return sp.sqrt(sp.Trace(a.T * a)) if is_matrix(a) else sp.Abs(a)
    if fn == "eye":
        return sp.Identity(dimension(args[0], names))
    if fn == "ones":
        return sp.OneMatrix(dimension(args[0], names), dimension(args[1], names) if len(args) > 1 else 1)
    if fn == "kron":
        return sp.KroneckerProduct(args[0], args[1])
    if fn == "diag" and is_matrix(a) and a.shape[1] == 1:
        return sp.DiagMatrix(a)
    if fn in ELEMENTWISE:
        f = ELEMENTWISE[fn]
        if is_matrix(a) and a.shape != (1, 1):
            return a.applyfunc(f)
        return f(as_scalar(a))
    raise NotExpressible("function %s" % fn)


def dimension(e, names):
    if isinstance(e, (sp.Symbol, sp.Integer)):
        return e
    raise NotExpressible("dimension")


def sympy_problem(case):
    """The SymPy objects for one corpus case: names, dims, f."""
    dims = {}

    def dim(d):
        if d.isdigit():
            return int(d)
        return dims.setdefault(d, sp.Symbol(d, integer=True, positive=True))

    names = {}
    for name, decl in case.raw["decls"].items():
        kind, args = checkfd.parse_decl(decl)
        if kind == "scalar":
            names[name] = sp.Symbol(name, real=True)
        elif kind == "vector":
            names[name] = sp.MatrixSymbol(name, dim(args[0]), 1)
        elif kind == "matrix":
            names[name] = sp.MatrixSymbol(name, dim(args[0]), dim(args[1]))
        else:  # symmetric, spd: SymPy has no symmetric matrix symbol
            names[name] = sp.MatrixSymbol(name, dim(args[0]), dim(args[0]))
    names.update(dims)
    tr = Translator(names)
    for d in case.raw.get("defs", []):
        n, body = d.split("=", 1)
        names[n.strip()] = tr.parse(body)
    f = as_scalar(tr.parse(case.raw["expr"]))
    return names, dims, f


class Timeout(Exception):
    pass


def _alarm(_s, _f):
    raise Timeout()


def numeric(expr, names, dims, env):
    """Evaluate a SymPy matrix expression at the checker's point."""
    sub = {dims[d]: int(np.asarray(v).reshape(-1)[0]) for d, v in env.items() if d in dims}
    e = expr.subs(sub) if sub else expr
    args, vals = [], []
    for name, sym in names.items():
        if isinstance(sym, sp.MatrixSymbol):
            concrete = sym.subs(sub) if sub else sym
            args.append(concrete)
            vals.append(np.atleast_2d(np.asarray(env[name], dtype=float)))
        elif isinstance(sym, sp.Symbol) and name in env and sym not in dims.values():
            args.append(sym)
            vals.append(float(np.asarray(env[name]).reshape(-1)[0]))
    fn = sp.lambdify(args, e.doit(), modules="numpy")
    return np.asarray(fn(*vals), dtype=float)


def run(case, timeout_s=20):
    try:
        names, dims, f = sympy_problem(case)
    except Exception as e:  # noqa: BLE001 (NotExpressible, or anything SymPy raises while building)
        return {"answered": False, "why": "not expressible: %s" % e}
    var = case.wrt[0]
    X = names[var]
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(timeout_s)
    try:
        clear_cache()
        t0 = time.perf_counter()
        g = sp.diff(f, X)
        if case.kind == "hessian":
            g = sp.diff(g, X)
        ms = (time.perf_counter() - t0) * 1000
    except Timeout:
        return {"answered": False, "why": "diff took over %d s" % timeout_s}
    except Exception as e:  # noqa: BLE001
        return {"answered": False, "why": "diff failed: %s" % type(e).__name__}
    finally:
        signal.alarm(0)
    if len(case.wrt) > 1:
        return {"answered": False, "ms": ms, "why": "several variables"}
    try:
        rng = np.random.default_rng(checkfd.case_seed(0, 0, case.id))
        _dims, env, _f0, _refs = checkfd.sample_point(case, rng)
        fd = checkfd.fd_gradient(case, env, var) if case.kind == "gradient" else checkfd.fd_hessian(case, env, var)
        got = numeric(g, names, dims, env)
        if case.kind == "gradient" and case.decls[var][0] in ("symmetric", "spd"):
            got = (got + got.T) / 2  # SymPy's unconstrained gradient, read in the symmetric convention
        got = got.reshape(fd.shape)
        err = checkfd.rel_err(fd, got)
    except Exception as e:  # noqa: BLE001
        return {"answered": False, "ms": ms, "why": "answer not evaluable: %s" % type(e).__name__}
    if not err < 1e-5:
        return {"answered": False, "ms": ms, "why": "wrong (relative error %.2g)" % err}
    return {"answered": True, "ms": ms}


def main():
    cases = [checkfd.Case(raw) for raw in json.load(open(sys.argv[1]))]
    out = {c.id: run(c) for c in cases}
    json.dump({"sympy": sp.__version__, "results": out}, sys.stdout)


if __name__ == "__main__":
    main()
