"""Run every benchmark: ``python -m benchmarks [--quick] [NAME ...]`` (or ``make bench``).

Each benchmark measures aimak and a baseline in the same process and prints the ratio, because
these machines are noisy and absolute times mean little from one run to the next.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil

import benchmarks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help="benchmark names, e.g. access zones")
    parser.add_argument("--quick", action="store_true", help="smaller instances")
    args = parser.parse_args()
    found = sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__)
                   if m.name.startswith("bench_"))
    chosen = [f"bench_{n}" for n in args.names] if args.names else found
    for name in chosen:
        print(f"=== {name}")
        importlib.import_module(f"benchmarks.{name}").run(quick=args.quick)


if __name__ == "__main__":
    main()
