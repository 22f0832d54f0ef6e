"""Build script: the Cython modules under rusty_machine/ and the C core under csrc/.

The C core is compiled as static libraries (one per instruction set, each with its own
flags: files ending _avx2.c / _avx512.c) and linked into the extensions. Cython sees it
through one declaration file, rusty_machine/linalg/_csrc.pxd: the GEMM (stateful: only
blas.pyx calls it, every other module cimports blas.pxd) and the stateless vector
kernels of csrc/rm_kernels.h (any module may call them; each links its own copy).

Environment variables:
  RUSTY_MACHINE_NATIVE=1  add -march=native (a local build for this CPU only; wheels
                          stay portable without it)
  RUSTY_MACHINE_DEBUG=1   Cython boundscheck/wraparound/initializedcheck on, -O0 -g
  RUSTY_MACHINE_ONLY=a,b  developer builds: compile only the extensions whose dotted
                          name contains one of these substrings (the rest untouched)
"""
import glob
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext as _build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
NATIVE = os.environ.get("RUSTY_MACHINE_NATIVE", "") not in ("", "0")
DEBUG = os.environ.get("RUSTY_MACHINE_DEBUG", "") not in ("", "0")
ONLY = [s for s in os.environ.get("RUSTY_MACHINE_ONLY", "").split(",") if s]


def compiler_accepts(flags, code="int main(void){return 0;}\n", link=True):
    """Try to compile (and link) a tiny program with these flags."""
    cc = os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc"
    tmp = tempfile.mkdtemp()
    try:
        src = os.path.join(tmp, "probe.c")
        with open(src, "w") as f:
            f.write(code)
        cmd = cc.split() + flags + [src, "-o", os.path.join(tmp, "probe")]
        if not link:
            cmd += ["-c"]
            cmd[-2] = os.path.join(tmp, "probe.o")
        return subprocess.run(cmd, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode == 0
    except OSError:
        return False
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


OMP_CODE = "#include <omp.h>\nint main(void){return omp_get_max_threads() < 0;}\n"
OPENMP = sys.platform != "win32" and compiler_accepts(["-fopenmp"], OMP_CODE)
OMP_FLAGS = ["-fopenmp"] if OPENMP else []

BASE_CFLAGS = ["-O3", "-fPIC", "-std=c99", "-fno-strict-aliasing"]
if DEBUG:
    BASE_CFLAGS = ["-O0", "-g", "-fPIC", "-std=c99"]
if NATIVE:
    BASE_CFLAGS.append("-march=native")

# One static library per instruction set: the file name says which flags it gets.
ISA_FLAGS = {
    "avx2": ["-mavx2", "-mfma"],
    "avx512": ["-mavx512f", "-mavx2", "-mfma"],
}


def c_libraries():
    """rm_core (driver, dispatch, threads, generic kernel) plus one library per ISA.

    rm_core is told by -DRM_BUILD_<ISA> which ISA libraries exist, so a compiler that
    cannot emit AVX-512 still yields a working (AVX2 or generic) build."""
    sources = sorted(glob.glob("csrc/*.c"))
    # every object depends on every header (a change to rm_vec_impl.h recompiles the
    # three files that include it)
    deps = {"": sorted(glob.glob("csrc/*.h"))}
    isa_libs, defines = [], []
    for isa, flags in ISA_FLAGS.items():
        files = [s for s in sources if s.endswith("_%s.c" % isa)]
        if files and compiler_accepts(flags, link=False):
            isa_libs.append(("rm_" + isa, {"sources": files, "include_dirs": ["csrc"],
                                           "cflags": BASE_CFLAGS + flags,
                                           "obj_deps": deps}))
            defines.append("-DRM_BUILD_%s" % isa.upper())
    generic = [s for s in sources if not any(s.endswith("_%s.c" % isa) for isa in ISA_FLAGS)]
    core = ("rm_core", {"sources": generic, "include_dirs": ["csrc"],
                        "cflags": BASE_CFLAGS + OMP_FLAGS + defines, "obj_deps": deps})
    return [core] + isa_libs


def extensions():
    exts = []
    for pyx in sorted(glob.glob("rusty_machine/**/*.pyx", recursive=True)):
        name = pyx[:-4].replace(os.sep, ".")
        if ONLY and not any(s in name for s in ONLY):
            continue
        exts.append(Extension(
            name, [pyx],
            include_dirs=[np.get_include(), "csrc"],
            define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
            extra_compile_args=BASE_CFLAGS[:1] + ["-Wno-unused-function",
                                                  "-Wno-unreachable-code"] + OMP_FLAGS
                               + (["-march=native"] if NATIVE else [])
                               + (["-g"] if DEBUG else []),
            extra_link_args=OMP_FLAGS,
        ))
    directives = {
        "language_level": 3,
        "boundscheck": DEBUG,
        "wraparound": DEBUG,
        "initializedcheck": DEBUG,
        "cdivision": True,
        "embedsignature": True,
    }
    exts = cythonize(exts, compiler_directives=directives, nthreads=os.cpu_count() or 1,
                     compile_time_env={"RM_OPENMP": OPENMP})
    # Cython lists the csrc/ headers a module includes (through _csrc.pxd); such a
    # module links code from csrc/, so it is relinked when any file there changes
    csrc_files = sorted(glob.glob("csrc/*.[ch]"))
    for ext in exts:
        if any(os.path.normpath(d).startswith("csrc" + os.sep) for d in ext.depends):
            ext.depends = list(ext.depends) + csrc_files
    return exts


class build_ext(_build_ext):
    """Build the C libraries first (so `setup.py build_ext --inplace` works alone),
    under a file lock so that parallel developer builds do not interleave."""

    def run(self):
        if self.distribution.has_c_libraries():
            os.makedirs("build", exist_ok=True)
            with open(os.path.join("build", ".clib.lock"), "w") as lock:
                try:
                    import fcntl
                    fcntl.flock(lock, fcntl.LOCK_EX)
                except ImportError:
                    pass
                self.run_command("build_clib")
        super().run()
        if not self.inplace:
            # The README's first command, `pip install . && python -m rusty_machine demo`,
            # runs in the repository root, where Python finds this source tree before the
            # installed copy: give the source tree the compiled modules as well.
            try:
                self.copy_extensions_to_source()
            except (OSError, AttributeError):
                pass


setup(
    ext_modules=extensions(),
    libraries=c_libraries(),
    cmdclass={"build_ext": build_ext},
)
