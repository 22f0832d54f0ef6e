"""Command line: ``python -m rusty_machine demo | bench | info | tutorial``."""
import argparse
import os
import sys


def _single_threaded_reexec(argv):
    """numpy's BLAS reads its thread count once, at import. For a fair single-threaded
    comparison the benchmark runs in a child process whose environment pins the
    reference libraries to one thread (ours is set explicitly by --threads)."""
    if os.environ.get("RUSTY_MACHINE_BENCH_CHILD") == "1":
        return
    env = dict(os.environ)
    env["RUSTY_MACHINE_BENCH_CHILD"] = "1"
    for var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
                "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
        env[var] = "1"
    env.setdefault("OMP_NUM_THREADS", "1")   # scikit-learn's OpenMP loops
    sys.stdout.flush()
    os.execve(sys.executable, [sys.executable, "-m", "rusty_machine"] + argv, env)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="python -m rusty_machine",
        description="rusty_machine: machine learning on linear algebra written from scratch")
    sub = parser.add_subparsers(dest="command")
    demo = sub.add_parser("demo", help="train every estimator on the bundled datasets")
    demo.add_argument("--section", action="append",
                      help="only these demo sections (linalg, learning, ...)")
    bench = sub.add_parser("bench", help="time our linear algebra against numpy")
    bench.add_argument("--quick", action="store_true", help="small sizes only")
    bench.add_argument("--section", action="append",
                       help="only these sections (gemm, decomp, eigen)")
    bench.add_argument("--threads", type=int, default=1,
                       help="threads for our kernels (numpy stays single-threaded)")
    bench.add_argument("--kernel", default=None,
                       help="force a GEMM micro-kernel: generic, avx2, avx512")
    bench.add_argument("--plot", metavar="FILE.png", help="draw the measurements (matplotlib)")
    bench.add_argument("--json", metavar="FILE", help="write the raw rows as JSON")
    bench.add_argument("--dtype", choices=["float64", "float32", "both"], default="float64",
                       help="float64 rows (default), float32 rows against numpy's float32 "
                            "routines, or both (sections without float32 rows run float64)")
    sub.add_parser("info", help="print the build configuration (show_config)")
    tut = sub.add_parser("tutorial", help="list the tutorials, or run one (NAME, or all)")
    tut.add_argument("name", nargs="?", help="the tutorial to run (none: list them)")
    tut.add_argument("--plot", metavar="DIR", help="write the figures as PNG files in DIR")
    tut.add_argument("--quick", action="store_true", help="small sizes")
    args = parser.parse_args(argv)

    if args.command == "info":
        import rusty_machine
        rusty_machine.show_config()
        from rusty_machine._peak import print_peak
        print_peak()
    elif args.command == "demo":
        from rusty_machine._demo import run_demo
        run_demo(args.section)
    elif args.command == "bench":
        _single_threaded_reexec(argv)
        from rusty_machine._bench import run_bench
        results = run_bench(sections=args.section, quick=args.quick, threads=args.threads,
                            kernel=args.kernel, dtype=args.dtype)
        if args.plot or args.json:
            from rusty_machine._bench.report import write_reports
            write_reports(results, args.plot, args.json, args.threads)
    elif args.command == "tutorial":
        from rusty_machine.tutorials import main as tutorial_main
        return tutorial_main(args.name, args.plot, args.quick)
    else:
        parser.print_help()
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
