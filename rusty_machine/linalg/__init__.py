"""rusty_machine.linalg: matrices, BLAS-like kernels and decompositions, from scratch.

Every name below is defined in the submodule it maps to and imported on first use.
"""
from .._lazy import lazy_exports
from ..exceptions import LinAlgError

_EXPORTS = {
    # types and constructors (matrix.pyx)
    "Matrix": "matrix", "Vector": "matrix", "asmatrix": "matrix", "asvector": "matrix",
    "hstack": "matrix", "vstack": "matrix", "hcat": "matrix", "vcat": "matrix",
    "matmul": "matrix", "dot": "matrix",
    # LU (lu.pyx)
    "lu": "lu", "lu_factor": "lu", "LU": "lu",
    "solve": "lu", "inv": "lu", "det": "lu", "slogdet": "lu",
    # Cholesky (cholesky.pyx)
    "cholesky": "cholesky", "cho_factor": "cholesky", "Cholesky": "cholesky",
    # QR (qr.pyx)
    "qr": "qr", "qr_factor": "qr", "QR": "qr",
    # triangular solves (triangular.pyx)
    "solve_triangular": "triangular",
    # norms, condition numbers, least squares (norms.py, lstsq.py)
    "norm": "norms", "cond": "norms",
    "lstsq": "lstsq", "pinv": "lstsq", "matrix_rank": "lstsq",
    # eigenproblems (eigen.pyx)
    "eigh": "eigen", "eigvalsh": "eigen", "eig": "eigen", "eigvals": "eigen",
    "hessenberg": "eigen", "tridiagonalize": "eigen",
    # SVD (svd.pyx)
    "svd": "svd", "svdvals": "svd", "bidiagonalize": "svd",
}

__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)
__all__ = __all__ + ["LinAlgError"]
