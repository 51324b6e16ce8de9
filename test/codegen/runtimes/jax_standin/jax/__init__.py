"""A stand-in for JAX on machines where it cannot be installed: jax.numpy and jax.scipy map to
NumPy and SciPy, and every array they return is immutable, as JAX arrays are, so generated code
that updates an array in place fails here as it would under JAX. Real JAX is used where present."""


class Array:
    """No array is an instance: SciPy's array-API dispatch (which looks for jax.Array when a
    module named jax is loaded) then treats the stand-in's arrays as the NumPy arrays they are."""
