"""Listings per second of ``pipeline.analyze_batch`` on one core, and where the time goes.

Three corpora of about 1 KB of title + text + seller info per listing, built from the demo
listings (offers, decoys, ordinary posts in a dozen languages):

- repeated: each demo listing padded with its own text, repeated with fresh ids (what a
  scan of re-posted templates looks like; the analysis cache answers most of them);
- distinct titles: the same texts, each title made unique (a lot number);
- distinct texts: every text new: the listing's own lines and lines of other listings in
  its language, shuffled, with a unique reference number (nothing is answered from the
  analysis cache; the vocabulary still recurs, as it does in a market).

For each it prints the median of --runs runs of analyze_batch (in batches of --batch, as
a runner calls it) in listings per second of CPU time (time.process_time: the machine is
shared, so wall time counts other processes' turns) and of wall time, and the share of
listings the analysis cache answered. Then the time of each stage run on its own over the
distinct texts. Each run starts cold: the analysis cache and the per-text memos emptied. Usage:

    .venv/bin/python benchmarks/scan_speed.py [--listings 5000] [--runs 3] [--batch 1000]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace

from wildtrace.collect import read_file
from wildtrace.commands.demo import demo_inputs
from wildtrace.detect import find_hits, has_evidence, lexicon_logit
from wildtrace.detect.detector import _field_hits
from wildtrace.detect.learned import default_model, features_batch
from wildtrace.detect.lexicon import default_lexicon
from wildtrace.detect.normalize import _remembered
from wildtrace.detect.score import fuse
from wildtrace.extract import _field_selectors, extract
from wildtrace.model import Listing
from wildtrace.parse import detect_language
from wildtrace.pipeline import LANGUAGE_SAMPLE, analysis_cache, analyze_batch

TARGET_BYTES = 1000


def _size(item: Listing) -> int:
    return sum(len((x or "").encode()) for x in (item.title, item.text, item.seller_info))


def demo_listings() -> list[Listing]:
    return [item for item in read_file(demo_inputs()[0]) if isinstance(item, Listing)]


def repeated(size: int) -> list[Listing]:
    """Demo listings grown to about 1 KB by repeating their own text (so each keeps its
    language and its evidence), repeated with fresh ids up to ``size``."""
    padded = []
    for item in demo_listings():
        own = item.text or item.title or "listing"
        text = own
        while _size(replace(item, text=text)) < TARGET_BYTES:
            text += "\n" + own
        padded.append(replace(item, text=text))
    return [replace(padded[i % len(padded)], id=f"bench-{i}") for i in range(size)]


def distinct_titles(size: int) -> list[Listing]:
    """``repeated`` with every title made unique."""
    return [replace(item, title=f"{item.title or ''} lot {i}") for i, item in enumerate(repeated(size))]


def distinct_texts(size: int, seed: int = 14) -> list[Listing]:
    """Every listing with a text of its own: its own lines and lines of other demo listings
    in the same language, shuffled, up to about 1 KB, plus a unique reference number."""
    rng = random.Random(seed)
    base = demo_listings()
    lines_by_language: dict[str | None, list[str]] = defaultdict(list)
    language_of = {}
    for item in base:
        language = detect_language(" ".join(filter(None, (item.title, item.text)))[:LANGUAGE_SAMPLE])
        language_of[item.id] = language
        lines_by_language[language].extend(line for line in (item.text or "").splitlines() if line.strip())
    out = []
    for i in range(size):
        item = base[i % len(base)]
        pool = lines_by_language[language_of[item.id]] or ["listing"]
        lines = [line for line in (item.text or "").splitlines() if line.strip()]
        while _size(replace(item, text="\n".join(lines))) < TARGET_BYTES:
            lines.append(rng.choice(pool))
        rng.shuffle(lines)
        lines.append(f"ref {rng.randrange(10**8):08d}")
        out.append(replace(item, id=f"bench-{i}", text="\n".join(lines)))
    return out


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median CPU seconds and median wall seconds of ``runs`` calls."""
    cpu, wall = [], []
    for _ in range(runs):
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        fn()
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start_wall)
    return statistics.median(cpu), statistics.median(wall)


def forget() -> None:
    """Empty the analysis cache and the per-text memos (lexicon hits, selectors, folding), so
    a run of the same corpus again is cold: a new scan does not see its texts twice."""
    analysis_cache().clear()
    _field_hits.cache_clear()
    _field_selectors.cache_clear()
    _remembered.cache_clear()


def scan(listings: list[Listing], batch: int) -> None:
    """One cold run (see ``forget``), then batches as a runner sends them."""
    forget()
    for start in range(0, len(listings), batch):
        analyze_batch(listings[start : start + batch])


def stages(listings: list[Listing], runs: int, total: float) -> None:
    """Each stage of ``analyze`` timed alone over the same listings."""
    samples = [" ".join(filter(None, (x.title, x.text, x.seller_info)))[:LANGUAGE_SAMPLE] for x in listings]
    languages = [detect_language(sample) for sample in samples]
    hits = [find_hits(item, language) for item, language in zip(listings, languages, strict=True)]
    lexicon = default_lexicon()
    model = default_model()
    lexical = [fuse(item, kept, lexicon) for item, (_, kept) in zip(listings, hits, strict=True)]

    def learned() -> None:
        if model is None:
            return
        inputs = [
            (item, raw, kept, lexicon_logit(detection.score))
            for item, (raw, kept), detection in zip(listings, hits, lexical, strict=True)
            if has_evidence(kept)
        ]
        for vector in features_batch(inputs):
            model.probability(vector)

    parts = {
        "language (script, function words, py3langid)": lambda: [detect_language(s) for s in samples],
        "lexicon matching (normalise + Aho-Corasick)": lambda: (
            _field_hits.cache_clear()
            or [find_hits(item, lang) for item, lang in zip(listings, languages, strict=True)]
        ),
        "lexicon fusion (score.fuse)": lambda: [
            fuse(item, kept, lexicon) for item, (_, kept) in zip(listings, hits, strict=True)
        ],
        "learned model (features + dot product)": learned,
        "extraction (phones, money, handles ...)": lambda: (
            _field_selectors.cache_clear()
            or [extract(item, lang) for item, lang in zip(listings, languages, strict=True)]
        ),
    }
    with_evidence = sum(1 for _, kept in hits if has_evidence(kept))
    print(
        f"where the time goes on the distinct texts ({with_evidence / len(listings):.0%} have lexicon "
        "evidence, which the model scores); each stage timed alone, CPU time, field memos emptied first:"
    )
    seconds = {name: timed(fn, runs)[0] for name, fn in parts.items()}
    for name, cpu in seconds.items():
        print(f"  {name:<48}{cpu / len(listings) * 1e6:>8.1f} us/listing {cpu / total:>6.0%}")
    rest = total - sum(seconds.values())
    print(
        f"  {'other (cache, Analysis objects, bookkeeping)':<48}{rest / len(listings) * 1e6:>8.1f} us/listing"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--listings", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=1000, help="listings per analyze_batch call")
    args = parser.parse_args()
    corpora = {
        "repeated": repeated(args.listings),
        "distinct titles": distinct_titles(args.listings),
        "distinct texts": distinct_texts(args.listings),
    }
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores (shared), Python {platform.python_version()}"
    )
    kilobytes = statistics.mean(map(_size, corpora["repeated"])) / 1000
    print(
        f"{args.listings:,} listings per corpus, ~{kilobytes:.2f} "
        f"KB of title+text+seller_info each; analyze_batch in batches of {args.batch}, "
        f"median of {args.runs} runs:"
    )
    scan(corpora["distinct texts"][:300], args.batch)  # load the lexicon, the model, the language identifier
    totals = {}
    for name, listings in corpora.items():
        cpu, wall = timed(lambda listings=listings: scan(listings, args.batch), args.runs)
        totals[name] = cpu
        cache = analysis_cache()
        share = cache.hits / max(1, cache.hits + cache.misses)
        print(
            f"  {name:<16}{len(listings) / cpu:>9,.0f} listings/s CPU {len(listings) / wall:>9,.0f} /s wall "
            f"  (analysis cache answered {share:.0%})"
        )
    stages(corpora["distinct texts"], args.runs, totals["distinct texts"])


if __name__ == "__main__":
    main()
