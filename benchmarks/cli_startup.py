"""Start-up time of ``wildtrace --help``: wall and CPU time of a fresh interpreter.

Every command pays this before it does anything. Prints the median of --runs runs, wall
time and CPU time (user + system of the child: other processes on a shared machine do not
count in it), beside a bare ``import typer`` (the floor: what the help needs at all).

    .venv/bin/python benchmarks/cli_startup.py            # 11 runs
    .venv/bin/python benchmarks/cli_startup.py --runs 21
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time


def measure(command: list[str], runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``command`` over ``runs`` runs."""
    walls, cpus = [], []
    for _ in range(runs):
        before = os.times()
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append(time.perf_counter() - start)
        after = os.times()
        user = after.children_user - before.children_user
        cpus.append(user + after.children_system - before.children_system)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    for title, command in (
        ("wildtrace --help", [sys.executable, "-m", "wildtrace", "--help"]),
        ("wildtrace link --help", [sys.executable, "-m", "wildtrace", "link", "--help"]),
        ("floor: import typer and its rich help", [sys.executable, "-c", "import typer, typer.rich_utils"]),
    ):
        wall, cpu = measure(command, args.runs)
        print(f"{title}: {wall:.2f} s wall, {cpu:.2f} s CPU (median of {args.runs})")


if __name__ == "__main__":
    main()
