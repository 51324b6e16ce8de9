import sys

import numpy as _np

from jax._frozen import Module, freeze


def asarray(a, dtype=None):
    return freeze(_np.array(a, dtype=dtype))


sys.modules[__name__] = Module(_np, {"asarray": asarray, "array": asarray})
