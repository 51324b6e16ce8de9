"""Times generated code against its baselines (npm run bench:code writes the manifest).

For each case: matdiff's NumPy function, the same formulas with explicit inverses and
left-to-right products (matrixcalculus.org's export style), and PyTorch autograd on the value
(value and gradient; for Hessians torch.autograd.functional.hessian). Single-threaded BLAS.
Prints one JSON object per case: medians in ms and a check that the three agree.
"""
import os

for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[v] = "1"

import importlib.util
import json
import sys
import time

import numpy as np

try:
    import torch

    torch.set_num_threads(1)
except ImportError:
    torch = None


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


def draw(kind, shape, rng):
    r, c = shape
    if kind in ("scalar", "positive"):
        return np.asarray(0.5 + rng.random())
    if kind == "spd":
        a = rng.standard_normal((r, r))
        return a @ a.T / r + np.eye(r)
    if kind == "vector":
        return rng.standard_normal(r)
    return 0.5 * rng.standard_normal((r, c))


def median_ms(f, runs):
    f()  # warm-up
    ts = []
    for _ in range(runs):
        t0 = time.perf_counter()
        f()
        ts.append((time.perf_counter() - t0) * 1000)
    ts.sort()
    return ts[len(ts) // 2]


def flat(xs):
    return np.concatenate([np.ravel(np.asarray(x.detach() if hasattr(x, "detach") else x, dtype=float)) for x in xs])


def main():
    cases = json.load(open(sys.argv[1]))
    for c in cases:
        rng = np.random.default_rng(1)
        args = [draw(a["kind"], a["shape"], rng) for a in c["args"]]
        mine = load(c["matdiff"], "mine").value_and_grad
        naive = load(c["naive"], "naive")
        runs = c["runs"]
        out = {"case": c["case"], "n": c["n"]}
        ours = mine(*args)
        out["matdiff_ms"] = median_ms(lambda: mine(*args), runs)
        theirs = naive.value_and_grad(*[np.asarray(a, dtype=float).reshape(-1, 1) if k["kind"] == "vector" else a for a, k in zip(args, c["args"])])
        out["naive_ms"] = median_ms(lambda: naive.value_and_grad(*[np.asarray(a, dtype=float).reshape(-1, 1) if k["kind"] == "vector" else a for a, k in zip(args, c["args"])]), runs)
        a, b = flat(ours), flat(theirs)
        out["naive_agrees"] = bool(np.allclose(a, b, rtol=1e-5, atol=1e-8 * max(1.0, np.abs(a).max())))
        out["naive_finite"] = bool(np.all(np.isfinite(b)))
        if torch is not None:
            value = naive.torch_value
            wrt = c["wrt_index"]

            def autograd():
                ts = [torch.tensor(np.asarray(x, dtype=float).reshape(-1, 1) if k["kind"] == "vector" else x, dtype=torch.float64, requires_grad=(i in wrt)) for i, (x, k) in enumerate(zip(args, c["args"]))]
                if c["hessian"]:
                    i = wrt[0]
                    h = torch.autograd.functional.hessian(lambda x: value(*[x if j == i else t for j, t in enumerate(ts)]), ts[i])
                    return h
                f = value(*ts)
                gs = torch.autograd.grad(f, [ts[i] for i in wrt])
                return (f, *gs)

            r = autograd()
            out["torch_ms"] = median_ms(autograd, runs)
            if not c["hessian"]:
                t = flat(r)
                out["torch_agrees"] = bool(np.allclose(flat(ours)[: t.size], t, rtol=1e-5, atol=1e-8 * max(1.0, np.abs(t).max()))) if t.size == flat(ours).size else None
        print(json.dumps(out), flush=True)


main()
