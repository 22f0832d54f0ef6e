"""rusty_machine.linalg: matrices, BLAS-like kernels and decompositions, from scratch.

Every public name is defined in a private module (scipy style: ``_lu.pyx`` defines
``lu``, so no module shadows its own function) and imported on first use (PEP 562):
importing the package stays cheap (it does not even import numpy), which matters for
``import rusty_machine`` in programs that use only the estimators.

The layers, each importing only from the ones above it in this list:
    matrix                     Matrix and Vector (storage, views, operators, numpy interop)
    blas, _checks, _householder  the kernel tier: level-1/2/3 kernels (csrc/ underneath),
                               the one input-checking path, every reflector and rotation
    _lu, _cholesky, _qr, _triangular, _eigh, _eig, _svd    one factorisation per file
    _stacked                   numpy's stacked (..., M, N) inputs over those kernels
    _batched, _products        stacks of GEMM products; matmul, matrix_power, multi_dot,
                               the tensor and array-API functions of numpy.linalg
    _lstsq, _norms             what rests on the factorisations
"""
from .._lazy import lazy_exports
from ..exceptions import LinAlgError

_EXPORTS = {
    # types and constructors (matrix.pyx)
    "Matrix": "matrix", "Vector": "matrix", "asmatrix": "matrix", "asvector": "matrix",
    "hstack": "matrix", "vstack": "matrix", "hcat": "matrix", "vcat": "matrix",
    "dot": "matrix",
    # LU (_lu.pyx)
    "lu": "_lu", "lu_factor": "_lu", "LU": "_lu",
    # numpy's contract for stacks (..., M, M) (_stacked.pyx; 2-D inputs go on to _lu /
    # _cholesky)
    "solve": "_stacked", "inv": "_stacked", "det": "_stacked", "slogdet": "_stacked",
    "cholesky": "_stacked",
    # Cholesky (_cholesky.pyx)
    "cho_factor": "_cholesky", "Cholesky": "_cholesky",
    # QR (_qr.pyx; qr itself takes stacks in _stacked.pyx and sends 2-D inputs to _qr)
    "qr": "_stacked", "QRResult": "_qr", "qr_factor": "_qr", "QR": "_qr",
    # triangular solves (_triangular.pyx)
    "solve_triangular": "_triangular",
    # norms, condition numbers, least squares (_norms.py, _lstsq.py)
    "norm": "_norms", "cond": "_norms",
    "lstsq": "_lstsq", "pinv": "_lstsq", "matrix_rank": "_lstsq",
    # symmetric eigenproblem (_eigh.pyx)
    "eigh": "_stacked", "eigvalsh": "_stacked",     # stacks; 2-D goes on to _eigh
    "tridiagonalize": "_eigh",
    # general eigenproblem (_eig.pyx)
    "eig": "_stacked", "eigvals": "_stacked",       # stacks; 2-D goes on to _eig
    "hessenberg": "_eig",
    # SVD (_svd.pyx)
    "svd": "_svd", "svdvals": "_svd", "bidiagonalize": "_svd",
    # numpy.linalg's products and array-API helpers (_products.py; stacks through
    # _batched.pyx); matmul broadcasts stacks and keeps matrix.matmul for 2-D
    "matmul": "_products", "matrix_power": "_products", "multi_dot": "_products",
    "tensordot": "_products", "tensorsolve": "_products", "tensorinv": "_products",
    "vecdot": "_products", "outer": "_products", "cross": "_products",
    "diagonal": "_products", "trace": "_products", "matrix_transpose": "_products",
    "vector_norm": "_norms", "matrix_norm": "_norms",
}

__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)
__all__ = __all__ + ["LinAlgError"]
