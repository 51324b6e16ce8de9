import functools

import numpy as np


class FrozenArray(np.ndarray):
    """An ndarray that refuses item assignment (JAX arrays are immutable)."""

    def __setitem__(self, key, value):
        raise TypeError("JAX arrays are immutable: in-place update in generated JAX code")

    def __iadd__(self, other):
        raise TypeError("JAX arrays are immutable: in-place += in generated JAX code")

    __isub__ = __imul__ = __itruediv__ = __imatmul__ = __iadd__


def freeze(x):
    if isinstance(x, np.ndarray) and not isinstance(x, FrozenArray):
        return x.view(FrozenArray)
    if isinstance(x, tuple):
        return tuple(freeze(a) for a in x)
    if isinstance(x, np.floating):
        return np.asarray(x).view(FrozenArray)
    return x


def thaw(x):
    if isinstance(x, FrozenArray):
        return x.view(np.ndarray)
    if isinstance(x, tuple):
        return tuple(thaw(a) for a in x)
    return x


def wrap(fn):
    # the library's own code may work in place on its copies; only the generated code may not
    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        return freeze(fn(*[thaw(a) for a in args], **{k: thaw(v) for k, v in kwargs.items()}))

    return wrapped


class Module:
    """Attribute access on a module, with every function's results frozen."""

    def __init__(self, module, overrides=None):
        self._module = module
        self._overrides = overrides or {}

    def __getattr__(self, name):
        if name in self._overrides:
            return self._overrides[name]
        value = getattr(self._module, name)
        if callable(value) and not isinstance(value, type):
            return wrap(value)
        if hasattr(value, "__name__") and type(value).__name__ == "module":
            return Module(value)
        return value
