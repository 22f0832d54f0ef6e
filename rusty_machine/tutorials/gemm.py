"""The GEMM ladder: three rungs of matrix multiplication climbing toward this core's peak.

C = A B for n x n matrices costs 2 n^3 floating-point operations (n^3 multiplies, n^3
adds), and every one of them is independent enough to run at full speed. Yet the same
arithmetic, written three ways, runs at speeds a hundred times apart. The difference is
all memory: where the operands sit when the arithmetic wants them.

Rung 1, "ref" (csrc/rm_gemm_ref.c, rm_dgemm_ref): the textbook triple loop

    for i: for j: for p: C[i, j] += A[i, p] * B[p, j]

It walks down a column of B for every entry of C. Once n x n doubles outgrow the cache,
every B[p, j] is a trip to main memory: one multiply-add per cache miss.

Rung 2, "blocked" (csrc/rm_gemm_ref.c, rm_dgemm_blocked): the same loops tiled, so a
block of A, a block of B and a block of C that fit in cache are reused many times
before the next ones are fetched. Each element loaded now serves a whole block's worth
of arithmetic; no SIMD yet.

Rung 3, "packed" (csrc/rm_gemm.c, rm_dgemm, with a micro-kernel from
csrc/rm_gemm_<isa>.c): the BLIS design [Goto & van de Geijn 2008; Van Zee & van de
Geijn 2015]. Five loops cut the product into an MC x KC block of A (kept in L3) and a
KC x NC block of B (in the core's L2), both copied ("packed") into the order the
micro-kernel reads them, and an MR x NR tile of C that lives in SIMD registers for the
whole KC-long inner loop.
The micro-kernel issues MR x NR / lanes fused multiply-adds per step against one load of
A and one of B: enough independent FMAs to keep both FMA pipes busy every cycle. Its
block sizes come from one table per kernel (the choice is explained in rm_gemm.c).

How fast is "fast"? The yardstick is this core's peak: a loop of FMAs on registers only
(csrc/rm_peak_<isa>.c, rusty_machine._peak), measured in this run. numpy's GEMM
(OpenBLAS or MKL, hand-tuned assembly) is timed next to ours. The lesson checks every
rung's answer against numpy's before it shows a single timing.

Python entry points: rusty_machine.linalg.blas.gemm_ladder(a, b, rung=...) and
blas._kernel_blocks() (the block table of the kernel in use).
"""
import contextlib

import numpy as np

import rusty_machine
from rusty_machine.linalg import blas


@contextlib.contextmanager
def _numpy_single_thread():
    """numpy's BLAS on one thread while timing, when threadpoolctl is installed (it is
    in the test extra); yields whether it could."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield False
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield True


def _best_time(fn, budget):
    """Best of a few runs (at least 2, about `budget` seconds in all): the benchmarks'
    one timing loop, rusty_machine._bench.timed."""
    from rusty_machine._bench import timed
    return timed(fn, min_time=budget, max_repeats=20, repeats=2)[0]


def run(lesson):
    from rusty_machine import _peak
    say = lesson.say
    rng = np.random.default_rng(0)
    rungs = ["ref", "blocked", "packed"]

    lesson.step("1. Same answer, three ways")
    A = rng.standard_normal((4, 3))
    B = rng.standard_normal((3, 5))
    lesson.show("A", A)
    lesson.show("B", B)
    for rung in rungs:
        lesson.show("gemm_ladder(A, B, rung=%r)" % rung, blas.gemm_ladder(A, B, rung=rung))
    eps = np.finfo(float).eps
    sizes = [8, 16, 32, 48] if lesson.quick else [32, 64, 128, 256, 384, 512]
    agree = {}
    say("\nEvery rung against numpy, |ours - numpy| / (n eps |A| |B|):")
    for n in sizes:
        A = rng.standard_normal((n, n))
        B = rng.standard_normal((n, n))
        ref = A @ B          # numpy: the reference this lesson measures against, as bench/ does
        scale = n * eps * np.abs(A).max() * np.abs(B).max()
        agree[n] = {r: float(np.abs(blas.gemm_ladder(A, B, rung=r) - ref).max() / scale)
                    for r in rungs}
        say("  n = %4d  " % n + "  ".join("%s %.2f" % (r, agree[n][r]) for r in rungs))

    lesson.step("2. The machine's peak, measured now")
    peak = _peak.peak()
    say("One core runs %.1f GFLOPS in float64 (%.1f in float32) through the %s FMA loop"
        % (peak["float64"], peak["float32"], peak["isa"]))
    say("(csrc/rm_peak_%s.c: 12 independent FMA chains in registers, no memory traffic)."
        % peak["isa"])

    lesson.step("3. The block sizes of the kernel in use")
    blocks = blas._kernel_blocks()
    say("micro-kernel %s: register tile MR x NR = %d x %d, blocks MC = %d, KC = %d, NC = %d"
        % (blas._kernel_name(), blocks["mr"], blocks["nr"], blocks["mc"], blocks["kc"],
           blocks["nc"]))
    say("  MR x NR: the tile of C held in registers; MR*NR/lanes accumulators, enough")
    say("           independent FMAs to cover pipes x latency.")
    say("  KC:      the packed MR x KC sliver of A stays in L1 for a whole row of tiles,")
    say("           while KC x NR slivers of B stream in from L2.")
    say("  KC x NC: the packed block of B, sized for the core's L2; MC x KC: the block")
    say("           of A, for L3 (rows of C: the driver is mirrored for row-major data).")
    say("  When m n k <= %d^3, n <= %d or m <= 2 MR, packing costs more than it saves:"
        % (blocks["small"], blocks["skinny"]))
    say("  the micro-kernel then reads the operands in place (csrc/rm_gemm.c).")

    lesson.step("4. Climbing the ladder: GFLOPS against n (one thread)")
    budget = 0.02 if lesson.quick else 0.3
    gflops = {r: [] for r in rungs + ["numpy"]}
    with rusty_machine.num_threads(1), _numpy_single_thread() as pinned:
        for n in sizes:
            A = rng.standard_normal((n, n))
            B = rng.standard_normal((n, n))
            flops = 2.0 * n ** 3
            for r in rungs:
                if r == "ref" and n > 384:
                    gflops[r].append(float("nan"))      # minutes of cache misses; skip
                    continue
                t = _best_time(lambda A=A, B=B, r=r: blas.gemm_ladder(A, B, rung=r), budget)
                gflops[r].append(flops / t / 1e9)
            gflops["numpy"].append(flops / _best_time(lambda A=A, B=B: A @ B, budget) / 1e9)
    say("%6s" % "n" + "".join("%10s" % k for k in gflops) + "   packed/peak")
    for i, n in enumerate(sizes):
        say("%6d" % n + "".join("%10s" % ("-" if np.isnan(gflops[k][i]) else
                                          "%.2f" % gflops[k][i]) for k in gflops)
            + "   %6.0f%%" % (100 * gflops["packed"][i] / peak["float64"]))
    say("(ours on one thread; numpy %s;" % ("too (threadpoolctl)" if pinned else
                                            "on as many as its BLAS likes"))
    say(" timings are noisy on a busy machine; '-': the triple loop skipped at this n)")

    with lesson.figure("ladder", size=(5.5, 3.8)) as f:
        if f:
            fig, ax = f
            for k, style in zip(gflops, ["o-", "s-", "^-", "k--"]):
                ax.plot(sizes, gflops[k], style, label=k, markersize=4)
            ax.axhline(peak["float64"], color="red", lw=1,
                       label="FMA peak %.0f" % peak["float64"])
            ax.set_xlabel("n (C = A B, all n x n)")
            ax.set_ylabel("GFLOPS (float64, 1 thread)")
            ax.set_title("The GEMM ladder")
            ax.legend(fontsize=7)
    return {"agree": agree, "gflops": gflops, "sizes": sizes, "peak": peak,
            "blocks": blocks}
