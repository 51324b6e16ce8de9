"""Runs generated Python functions (NumPy, JAX stand-in or real JAX, PyTorch) on given arguments.

Usage: python3 run_python.py LANG MANIFEST.json > RESULTS.json
The manifest lists {"file", "fn", "args"}; each result is {"ok": true, "outputs": [...]} with every
output as nested lists (a scalar as a number), or {"ok": false, "error": "..."}.
"""
import importlib.util
import json
import sys
import traceback


def to_plain(x):
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    try:
        import numpy as np

        a = np.asarray(x, dtype=float)
        return a.tolist()
    except Exception:
        return float(x)


def main():
    lang, manifest = sys.argv[1], sys.argv[2]
    cases = json.load(open(manifest))
    convert = lambda a: a
    if lang == "torch":
        import torch

        convert = lambda a: torch.tensor(a, dtype=torch.float64) if isinstance(a, list) else a
    results = []
    for i, case in enumerate(cases):
        try:
            spec = importlib.util.spec_from_file_location(f"generated_{i}", case["file"])
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            fn = getattr(module, case["fn"])
            out = fn(*[convert(a) for a in case["args"]])
            if not isinstance(out, tuple):
                out = (out,)
            results.append({"ok": True, "outputs": [to_plain(o) for o in out]})
        except Exception as e:
            results.append({"ok": False, "error": f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=3)}"})
    json.dump(results, sys.stdout)


main()
