"""Simulate a reviewer on a labelled file: the loop of issue 12, driven through the commands.

    python benchmarks/review_loop.py LABELLED [--rounds 4] [--per-round 50] [--sample 10000]
                                              [--random-seeds 3] [--workers 2]

LABELLED is one of:
- JSONL with ``id`` (optional), ``title`` and/or ``text``, and ``label`` (1/0, yes/no);
- CSV with ``title`` (and/or ``text``) and ``label`` (e.g. leather_validation.csv);
- the birds classifieds CSV (latin-1; ``text_stop_stem``; an offer in scope is neither
  poultry, ``label1``, nor junk, ``label2``), recognised by its columns.

What it does, in a temporary store (SQLite):

1. ``wildtrace scan`` of every listing (``--sample`` of them, chosen with ``--seed``);
   the zero-shot figures are those of this scan;
2. four times: ``wildtrace review queue --limit 50``, the file's own labels for those
   listings given through ``wildtrace review import``, ``wildtrace train --db``; after each
   round, precision, recall and F1 on the listings not labelled yet, beside the zero-shot
   figures on the same listings;
3. the same number of labels chosen at random instead of by the queue (a copy of the
   scanned store per seed; the median over ``--random-seeds`` seeds).

It prints each round's figures and the wall and CPU time (``time.process_time`` plus the
finished worker processes) of ``train --db``, which re-analyses every stored listing.
Development data is never shipped nor used to train the packaged model.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from typer.testing import CliRunner

PLATFORM = "bench"


def read_labelled(path: Path) -> list[dict[str, object]]:
    """The file's listings as scan records with their truth (``label`` 1 or 0)."""
    rows: list[dict[str, object]] = []
    if path.suffix == ".jsonl":
        with path.open(encoding="utf-8") as handle:
            for n, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                item = json.loads(line)
                label = str(item.get("label")).strip().lower() in ("1", "yes", "true", "offer")
                fields = {name: item.get(name) for name in ("title", "text", "price")}
                rows.append({"id": str(item.get("id") or n), **fields, "label": int(label)})
        return rows
    with path.open(encoding="latin-1", newline="") as probe:
        header = probe.readline()
    if "text_stop_stem" in header:
        with path.open(encoding="latin-1", newline="") as handle:
            for item in csv.DictReader(handle):
                relevant = item["label1"] == "0" and item["label2"] == "0"
                rows.append({"id": item["classifieds_unique_listing_id"], "text": item["text_stop_stem"],
                             "label": int(relevant)})  # fmt: skip
        return rows
    with path.open(encoding="utf-8", newline="") as handle:
        for n, item in enumerate(csv.DictReader(handle), 1):
            rows.append({"id": item.get("id") or str(n), "title": item.get("title"), "text": item.get("text"),
                         "label": int(str(item["label"]).strip() in ("1", "yes", "true"))})  # fmt: skip
    return rows


def figures(truth: dict[str, int], flagged: dict[str, bool], ids: set[str]) -> tuple[float, float, float]:
    tp = sum(1 for i in ids if flagged[i] and truth[i])
    fp = sum(1 for i in ids if flagged[i] and not truth[i])
    fn = sum(1 for i in ids if not flagged[i] and truth[i])
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def stored_flags(db: str) -> dict[str, bool]:
    from wildtrace.store import open_store

    with open_store(db) as store:
        return {listing.id: analysis.detection.flagged for listing, analysis in store.load_analyses()}


def invoke(args: list[str], allowed: tuple[int, ...] = (0, 1)) -> tuple[float, float, str]:
    """Run a wildtrace command in this process; its wall and CPU seconds and its messages.
    ``train`` may be allowed exit 2 (labels of one verdict only: the model stays as it was)."""
    from wildtrace.cli import app

    wall, cpu = time.perf_counter(), _cpu()
    result = CliRunner().invoke(app, args)
    if result.exit_code not in allowed:
        sys.exit(f"wildtrace {' '.join(args)} failed ({result.exit_code}):\n{result.output}")
    if result.exit_code == 2:
        print(f"  (train refused: {result.stderr.strip()})")
    return time.perf_counter() - wall, _cpu() - cpu, result.stderr


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the analysing workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def label_file(folder: Path, keys: list[str], truth: dict[str, int], name: str) -> Path:
    path = folder / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "verdict"])
        writer.writerows([f"{PLATFORM}:{key}", truth[key]] for key in keys)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("labelled", type=Path)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--per-round", type=int, default=50)
    parser.add_argument("--sample", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--random-seeds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--arms", default="queue,random", help="queue, random or both (comma-separated)")
    args = parser.parse_args()

    rows = read_labelled(args.labelled)
    if len(rows) > args.sample:
        rows = random.Random(args.seed).sample(rows, args.sample)
    truth = {str(row["id"]): int(row["label"]) for row in rows}  # type: ignore[call-overload]
    work = Path(tempfile.mkdtemp(prefix="review-loop-"))
    try:
        source = work / "listings.jsonl"
        with source.open("w", encoding="utf-8") as handle:
            for row in rows:
                record = {k: v for k, v in row.items() if k != "label" and v}
                handle.write(json.dumps({**record, "platform": PLATFORM}, ensure_ascii=False) + "\n")
        scanned = work / "scanned.db"
        db = f"sqlite:///{scanned}"
        wall, cpu, _ = invoke(["scan", str(source), "--db", db, "--workers", str(args.workers)])
        positives = sum(truth.values())
        print(
            f"{args.labelled.name}: {len(truth):,} listings, {positives:,} positive; scan {wall:.1f} s wall"
        )
        zero_shot = stored_flags(db)
        p, r, f = figures(truth, zero_shot, set(truth))
        print(f"zero-shot on all: P {p:.3f} R {r:.3f} F1 {f:.3f}")
        pristine = work / "pristine.db"
        shutil.copy(scanned, pristine)

        # the queue arm, exactly as a script drives the commands
        labelled: list[str] = []
        queue_rows = []
        arms = set(args.arms.split(","))
        for round_ in range(1, args.rounds + 1 if "queue" in arms else 1):
            queue = work / f"queue-{round_}.jsonl"
            invoke(["review", "queue", "--limit", str(args.per_round), "--out", str(queue), "--db", db])
            chosen = [
                json.loads(line)["id"].split(":", 1)[1] for line in queue.read_text("utf-8").splitlines()
            ]
            labelled += chosen
            labels = label_file(work, chosen, truth, f"labels-{round_}.csv")
            invoke(["review", "import", str(labels), "--db", db, "--by", "simulated-reviewer"])
            wall, cpu, said = invoke(["train", "--db", db, "--workers", str(args.workers)], (0, 2))
            rest = set(truth) - set(labelled)
            now, zs = figures(truth, stored_flags(db), rest), figures(truth, zero_shot, rest)
            cv = next((line for line in said.splitlines() if "cross-validation" in line), "")
            queue_rows.append((round_, len(labelled), now, zs, wall, cpu))
            print(f"queue  {len(labelled):4d} labels: P {now[0]:.3f} R {now[1]:.3f} F1 {now[2]:.3f} on the "
                  f"{len(rest):,} not labelled (zero-shot there F1 {zs[2]:.3f}); train --db {wall:.1f} s "
                  f"wall, {cpu:.1f} s CPU [{cv.split(':', 1)[-1].strip()}]")  # fmt: skip

        # the random arm: the same numbers of labels, chosen at random
        for round_ in range(1, args.rounds + 1 if "random" in arms else 1):
            count = round_ * args.per_round
            scores = []
            for seed in range(args.random_seeds):
                copy = work / f"random-{seed}.db"
                shutil.copy(pristine, copy)
                chosen = random.Random(1000 + seed).sample(sorted(truth), count)
                labels = label_file(work, chosen, truth, f"random-{seed}.csv")
                rdb = f"sqlite:///{copy}"
                invoke(["review", "import", str(labels), "--db", rdb, "--by", "simulated-reviewer"])
                invoke(["train", "--db", rdb, "--workers", str(args.workers)], (0, 2))
                rest = set(truth) - set(chosen)
                scores.append(figures(truth, stored_flags(rdb), rest))
                copy.unlink()
            med = [statistics.median(s[i] for s in scores) for i in range(3)]
            print(
                f"random {count:4d} labels: P {med[0]:.3f} R {med[1]:.3f} F1 {med[2]:.3f} "
                f"(median of {args.random_seeds} seeds: F1 {', '.join(f'{s[2]:.3f}' for s in scores)})"
            )
        walls = [row[4] for row in queue_rows]
        cpus = [row[5] for row in queue_rows]
        if walls:
            median_wall, median_cpu = statistics.median(walls), statistics.median(cpus)
            print(f"train --db on {len(truth):,} stored listings: median {median_wall:.1f} s wall, "
                  f"{median_cpu:.1f} s CPU with its workers (max {max(walls):.1f} s wall)")  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
