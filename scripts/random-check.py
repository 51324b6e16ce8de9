#!/usr/bin/env python3
"""Random gradients, Hessians and Jacobians, answered by `matdiff batch`, checked by the corpus's checker.

Usage (from the repository root, after `npm install`):
  python3 scripts/random-check.py [--seed S] [--count N] [--hessians | --jacobians] [-v] [--dump FILE]

Draws N random well-typed scalar expressions (products, transposes, Hadamard products, elementwise
functions, inverses and log-determinants of S + MMᵀ, diag, softmax, logsumexp, norm2, kron, vec,
powers, a definition that depends on the variable) with respect to a matrix, vector, scalar,
symmetric or spd variable; with --hessians, Hessians with respect to matrix variables too; with
--jacobians, Jacobians of array-valued expressions, against differences of vec(F). Every answer is
checked with ../shared/tools/checkfd.py, the finite-difference checker the shared corpus
check uses, independent of matdiff's own check. An answer the checker calls wrong at its default
steps is checked again at other steps (its steps are 1e-3 of the largest entry: too coarse for sin
of an argument in the hundreds; for a Hessian's nested differences either too coarse or, smaller,
lost to rounding); only an answer wrong at every step counts as wrong. The
checker has no commutation matrix; it is added here (K vec(A) = vec(Aᵀ)).

Exit status 1 when any answer is wrong or any line is an internal error. This complements the
property tests of `npm test` (test/robustness), which check with matdiff's own evaluator.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import zlib

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "..", "shared", "tools"))
import checkfd as cb  # noqa: E402

# ---------------------------------------------------------------- the checker, with commutation(m, n)

cb.FUNCS["commutation"] = (2, 2)
_call = cb._call


def _call_with_commutation(name, args):
    if name != "commutation":
        return _call(name, args)
    m, n = int(round(float(args[0][0, 0]))), int(round(float(args[1][0, 0])))
    k = np.zeros((m * n, m * n))
    for i in range(m):
        for j in range(n):
            k[i * n + j, j * m + i] = 1.0  # vec is column-major: K vec(A) = vec(Aᵀ) for A m×n
    return k


cb._call = _call_with_commutation

# ---------------------------------------------------------------- the generator

DIMS = ["n", "m"]


class Problem:
    """The declarations of one random problem, made as its expression needs them."""

    def __init__(self, rng, var, shape, kind):
        self.rng, self.var, self.vshape, self.vkind = rng, var, shape, kind
        self.decls = {var: kind}
        self.count = 0
        self.defs = []
        self.defined = {}

    def const(self, shape, kind=None):
        self.count += 1
        r, c = shape
        if kind == "spd":
            name = "S%d" % self.count
            self.decls[name] = "spd(%s)" % r
            return name
        if (r, c) == ("1", "1"):
            name = "c%d" % self.count
            self.decls[name] = "scalar"
            return name
        if c == "1" or r == "1":
            name = "u%d" % self.count
            self.decls[name] = "vector(%s)" % (r if c == "1" else c)
            return name if c == "1" else name + "'"
        name = "A%d" % self.count
        self.decls[name] = "matrix(%s,%s)" % (r, c)
        return name


def wrap(s):
    return "(%s)" % s if any(ch in s for ch in " +-*/^") else s


def leaf(p, shape):
    """The variable where it fits (or a product that has it), else a constant."""
    rng, (r, c), (vr, vc) = p.rng, shape, p.vshape
    if shape in p.defined and rng.random() < 0.5:
        return p.defined[shape]
    fits = [p.var] * 3 if (vr, vc) == (r, c) else []
    fits += [p.var + "'"] * 2 if (vc, vr) == (r, c) else []
    if fits and rng.random() < 0.8:
        return rng.choice(fits)
    if rng.random() < 0.6:
        if vr == r:
            return "%s*%s" % (p.var, p.const((vc, c)))
        if vc == c:
            return "%s*%s" % (p.const((r, vr)), p.var)
        if vr == c:
            return "%s*%s'" % (p.const((r, vc)), p.var)
        if (vr, vc) == ("1", "1"):
            return "%s*%s" % (p.var, p.const(shape))
    return p.const(shape)


def array(p, shape, depth):
    rng, (r, c) = p.rng, shape
    g = lambda s, d=depth - 1: array(p, s, d)  # noqa: E731
    x = rng.random()
    if depth <= 0 or x < 0.15:
        return leaf(p, shape)
    if x < 0.40:
        k = rng.choice(DIMS + ["1"])
        return "%s*%s" % (wrap(g((r, k))), wrap(g((k, c))))
    if x < 0.52:
        return "%s %s %s" % (g(shape), rng.choice("+-"), wrap(g(shape)))
    if x < 0.60:
        return "%s'" % wrap(g((c, r)))
    if x < 0.68:
        return "%s .* %s" % (wrap(g(shape)), wrap(g(shape)))
    if x < 0.76:
        return "%s(%s)" % (rng.choice(["tanh", "sin", "cos", "sigmoid"]), g(shape))
    if x < 0.84 and (r, c) != ("1", "1"):
        return "%s*%s" % (wrap(scalar(p, depth - 1)), wrap(g(shape)))
    if x < 0.92 and r == c and r != "1":
        m = g((r, rng.choice(DIMS)), depth - 2)
        return "inv(%s + %s*%s')" % (p.const((r, r), "spd"), wrap(m), wrap(m))
    if (r, c) == ("1", "1"):
        return scalar(p, depth - 1)
    square_var = p.vkind == "matrix(n,n)" and r == c == "n"
    options = [
        lambda: "%s .^ 2" % wrap(g(shape)),
        lambda: "%s / (1 + %s^2)" % (wrap(g(shape)), wrap(scalar(p, depth - 2))),
        lambda: "exp(0.3*%s)" % wrap(g(shape)),
        lambda: "sqrt(1 + %s .^ 2)" % wrap(g(shape)),
        lambda: "%s ./ (2 + sin(%s))" % (wrap(g(shape)), g(shape)),
    ]
    if r == c:
        options += [lambda: "%s^2" % wrap(g(shape)), lambda: "diag(%s)" % g((r, "1"))]
    if c == "1":
        options += [lambda: "diag(%s)" % g((r, r)), lambda: "softmax(%s)" % g(shape), lambda: "%s .* softmax(%s)" % (wrap(g(shape)), g(shape))]
    if square_var:
        options += [lambda: "inv(X)", lambda: rng.choice(["X^3", "inv(X)^2", "X^-1*%s" % p.const(("n", "n"))])]
    if shape in p.defined:
        options.append(lambda: p.defined[shape])
    return rng.choice(options)()


def scalar(p, depth):
    rng = p.rng
    a, b = rng.choice(DIMS), rng.choice(DIMS)
    g = lambda s, d=depth - 1: array(p, s, d)  # noqa: E731
    x = rng.random()
    if depth <= 0 or x < 0.2:
        return "tr(%s)" % array(p, (a, a), max(depth, 1))
    if x < 0.35:
        return "sum(%s)" % array(p, (a, b), depth)
    if x < 0.5:
        return "%s'*%s*%s" % (p.const((a, "1")), wrap(array(p, (a, b), depth)), p.const((b, "1")))
    if x < 0.6:
        m = g((a, b))
        return "logdet(%s + %s*%s')" % (p.const((a, a), "spd"), wrap(m), wrap(m))
    if x < 0.7:
        m = g((a, b))
        return "log(1 + sum(%s .* %s))" % (wrap(m), wrap(m))
    if x < 0.8:
        return "%s * %s" % (wrap(scalar(p, depth - 1)), wrap(scalar(p, depth - 1)))
    if x < 0.9:
        return "%s + %s" % (scalar(p, depth - 1), scalar(p, depth - 1))
    options = [
        lambda: "sin(%s)" % scalar(p, depth - 1),
        lambda: "logsumexp(%s)" % g((a, "1")),
        lambda: "norm2(%s)" % g((a, "1")),
        lambda: "det(%s + %s*%s')" % ((p.const((a, a), "spd"),) + (wrap(g((a, b))),) * 2),
        lambda: "tr(kron(%s, %s))" % (g((a, a)), g((b, b))),
        lambda: "vec(%s)'*vec(%s)" % (wrap(g((a, b))), wrap(g((a, b)))),
        lambda: "sum(kron(%s, %s))" % (g((a, b)), g((b, a))),
        lambda: "%s / (2 + sin(%s))" % (wrap(scalar(p, depth - 1)), scalar(p, depth - 1)),
    ]
    if p.vkind == "matrix(n,n)":
        options.append(lambda: rng.choice(["logdet(X'*X)", "det(X)", "tr(X^3*%s)" % p.const(("n", "n")), "tr(inv(X)*%s)" % p.const(("n", "n"))]))
    return rng.choice(options)()


VARIABLES = [("X", ("n", "n"), "matrix(n,n)"), ("X", ("n", "m"), "matrix(n,m)"), ("x", ("n", "1"), "vector(n)"),
             ("S", ("n", "n"), "symmetric(n)"), ("P", ("n", "n"), "spd(n)"), ("t", ("1", "1"), "scalar")]


def draw(seed, count, hessians):
    rng = random.Random(seed)
    cases = []
    for i in range(count):
        var, shape, kind = rng.choice(VARIABLES)
        p = Problem(rng, var, shape, kind)
        if rng.random() < 0.4:
            s = rng.choice([shape, ("n", "n"), ("n", "1")])
            p.defs.append("D1 = %s" % array(p, s, 2))
            p.defined[s] = "D1"
        e = scalar(p, rng.choice([2, 3, 4]))
        # Hessians wrt vectors and scalars; with --hessians wrt (non-symmetric) matrices as well
        hessian = (kind in ("vector(n)", "scalar") and rng.random() < 0.3) or (hessians and kind.startswith("matrix"))
        cases.append({"id": "r%d_%d" % (seed, i), "kind": "hessian" if hessian else "gradient", "decls": p.decls,
                      "expr": e, "wrt": var, "expected": "0", **({"defs": p.defs} if p.defs else {})})
    return cases

# ---------------------------------------------------------------- checking


def inline(text, defs):
    for name, body in reversed(defs):
        text = re.sub(r"(?<![\w.])%s(?![\w(])" % re.escape(name), "(" + body + ")", text)
    return text


def fd_at(case, env, var, h):
    """Central differences as checkfd computes them, at a chosen step (h; the inner step is h/10)."""
    x0 = env[var]
    kind = case.decls[var][0]

    def f_at(x):
        e2 = dict(env)
        e2[var] = x
        return case.f(e2)

    dirs = cb.directions(kind, x0.shape)
    if case.kind == "gradient":
        g = np.zeros(x0.shape)
        for (i, j), e in dirs:
            d = cb.d1(lambda t, e=e: f_at(x0 + t * e), h)
            if kind in ("symmetric", "spd") and i != j:
                g[i, j] = g[j, i] = d / 2.0
            else:
                g[i, j] = d
        return g
    es = [e for _, e in dirs]
    hess = np.zeros((len(es), len(es)))
    for a in range(len(es)):
        for b in range(a, len(es)):
            outer = lambda t, ea=es[a], eb=es[b]: cb.d1(lambda s: f_at(x0 + t * ea + s * eb), h / 10)  # noqa: E731
            hess[a, b] = hess[b, a] = cb.d1(outer, h)
    return hess


def right_at_other_steps(case):
    """Right at some step, relative to the largest entry as checkfd's own: smaller ones for
    gradients (sin of large arguments), larger and smaller ones for Hessians (nested differences
    lose digits to rounding as the steps shrink)."""
    rng = np.random.default_rng(1)
    _, env, _, refs = cb.sample_point(case, rng)
    var = case.wrt[0]
    scale = max(1.0, float(np.max(np.abs(env[var]))))
    steps = [1e-4, 1e-5, 1e-6, 1e-7] if case.kind == "gradient" else [3e-2, 1e-2, 3e-3, 1e-3, 1e-4, 1e-5, 1e-6]
    return min(cb.rel_err(fd_at(case, env, var, h * scale), refs[var]) for h in steps) < 1e-6


# ---------------------------------------------------------------- Jacobians

JACOBIAN_VARIABLES = [v for v in VARIABLES if v[2] in ("matrix(n,n)", "matrix(n,m)", "vector(n)", "scalar")]


def draw_jacobians(seed, count):
    """Array-valued expressions F (a column, a matrix, a scalar) of a non-symmetric variable."""
    rng = random.Random(seed)
    cases = []
    for i in range(count):
        var, shape, kind = rng.choice(JACOBIAN_VARIABLES)
        p = Problem(rng, var, shape, kind)
        out = rng.choice([("n", "1"), ("n", "m"), ("m", "1"), ("1", "1"), ("n", "n")])
        cases.append({"id": "j%d_%d" % (seed, i), "kind": "jacobian", "decls": p.decls, "expr": array(p, out, rng.choice([2, 3])),
                      "wrt": var, "expected": "0"})
    return cases


def jacobian_error(c, J, env, h):
    """(‖J − D‖ / max(‖J‖, ‖D‖), ‖D‖, ‖vec F‖) at a point, D the differences of vec(F), one column
    per coordinate direction."""
    var = c["wrt"]
    x0 = env[var]

    def vec_f(x):
        e2 = dict(env)
        e2[var] = x
        return cb.evaluate(c["expr"], e2).flatten(order="F")

    fd = np.stack([cb.d1(lambda t, e=e: vec_f(x0 + t * e), h) for _, e in cb.directions("matrix", x0.shape)], axis=1)
    claim = cb.evaluate(J, env)
    size = float(np.linalg.norm(vec_f(x0)))
    if claim.shape != fd.shape:
        return float("inf"), float(np.linalg.norm(fd)), size
    return cb.rel_err(fd, claim), float(np.linalg.norm(fd)), size


def check_jacobian(c, J):
    """right, right at other steps, zero, or wrong, at 2 points as the gradients are judged; a point
    where the differences are at noise level (a saturated tanh) carries no information and is
    drawn again, up to 20 times, as checkfd does."""
    case = cb.Case(dict(c, expr="0", kind="gradient"))  # (only for its sampling of sizes and values)
    verdict = "right"
    for trial in range(2):
        rng = np.random.default_rng([trial, zlib.crc32(c["id"].encode())])
        for _ in range(20):
            _, env, _, _ = cb.sample_point(case, rng)
            scale = max(1.0, float(np.max(np.abs(env[c["wrt"]]))))
            err, fd_norm, size = jacobian_error(c, J, env, 1e-3 * scale)
            if fd_norm > 1e-7 * max(1.0, size):
                break
        else:
            return "zero"
        if err < 1e-6:
            continue
        if min(jacobian_error(c, J, env, h * scale)[0] for h in [1e-4, 1e-5, 1e-6, 1e-7]) < 1e-6:
            verdict = "right at other steps"
            continue
        return "wrong"
    return verdict


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=400)
    ap.add_argument("--hessians", action="store_true", help="Hessians with respect to matrix variables too")
    ap.add_argument("--jacobians", action="store_true", help="Jacobians of array-valued expressions instead")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--dump", metavar="FILE", help="also write the problems, as matdiff batch lines, to FILE (to compare builds)")
    a = ap.parse_args(argv)
    cases = draw_jacobians(a.seed, a.count) if a.jacobians else draw(a.seed, a.count, a.hessians)
    query = {"gradient": "grad", "hessian": "hessian", "jacobian": "jacobian"}
    lines = [json.dumps({"id": c["id"], "decls": c["decls"], "query": query[c["kind"]],
                         "expr": c["expr"], "wrt": c["wrt"], **({"defs": c["defs"]} if "defs" in c else {})}) for c in cases]
    if a.dump:
        with open(a.dump, "w") as f:
            f.write("\n".join(lines) + "\n")
    run = subprocess.run(["node", os.path.join(ROOT, "dist", "matdiff.cjs"), "batch"], input="\n".join(lines) + "\n",
                         capture_output=True, text=True, cwd=ROOT)
    answers = {o["id"]: o for o in map(json.loads, run.stdout.splitlines())}
    tally = {"right": 0, "right at other steps": 0, "zero": 0, "declined": 0, "no sample point": 0, "unreadable": 0, "wrong": 0, "internal": 0}
    for c in cases:
        o = answers.get(c["id"])
        if o is None or (not o["ok"] and o["error"]["kind"] == "internal"):
            tally["internal"] += 1
            print("INTERNAL %s: %s\n  %s wrt %s" % (c["id"], o and o["error"]["message"], c["expr"], c["wrt"]))
            continue
        if not o["ok"]:
            tally["declined"] += 1
            if a.verbose:
                print("declined %s: %s" % (c["id"], o["error"]["message"]))
            continue
        answer = inline(o["results"][0]["plain"], [tuple(d) for d in o.get("definitions") or []])
        if re.fullmatch(r"0|zeros\(.*\)", answer):
            tally["zero"] += 1  # (the checker reads no zeros(); a zero answer is checked by npm test)
            continue
        if c["kind"] == "jacobian":
            try:
                verdict = check_jacobian(c, answer)
            except (cb.DomainError, cb.ExprError):
                tally["no sample point"] += 1
                continue
            tally[verdict] += 1
            if verdict == "wrong":
                print("WRONG %s\n  %s wrt %s\n  -> %s" % (c["id"], c["expr"], c["wrt"], answer[:400]))
            continue
        try:
            case = cb.Case(dict(c, expected=answer))
        except cb.ExprError as e:
            # (the checker reads no zeros(): an answer with a zero part it cannot read is reported)
            tally["unreadable"] += 1
            print("UNREADABLE %s: %s\n  %s wrt %s\n  -> %s" % (c["id"], e, c["expr"], c["wrt"], answer[:300]))
            continue
        try:
            ok, _, msg = cb.run_case(case, 3, 0, 1e-6)
        except cb.DomainError as e:
            ok, msg = False, str(e)
        if ok:
            tally["right"] += 1
        elif "derivative ~ 0" in msg:
            tally["zero"] += 1
        else:
            try:
                again = right_at_other_steps(case)
            except cb.DomainError:
                tally["no sample point"] += 1
                continue
            if again:
                tally["right at other steps"] += 1
            else:
                tally["wrong"] += 1
                print("WRONG %s: %s\n  %s wrt %s\n  -> %s" % (c["id"], msg.splitlines()[0], c["expr"], c["wrt"], answer[:400]))
    print("random-check seed %d: %d problems: %s" % (a.seed, len(cases), ", ".join("%s %d" % kv for kv in tally.items())))
    return 1 if tally["wrong"] or tally["internal"] else 0


if __name__ == "__main__":
    sys.exit(main())
