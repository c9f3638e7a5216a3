"""The local runner gives the same analyses, in the same order, with any number of processes."""

from __future__ import annotations

from wildtrace.model import Listing
from wildtrace.pipeline import analyze_batch
from wildtrace.runners import analyze_batches, default_workers

TITLES = ["Bán vòng ngà voi thật", "Ivory lace dress", "穿山甲片 现货", "Tiger Balm 30g",
          "Zalo 0912.345.678 sừng tê", "Jual sisik trenggiling"]  # fmt: skip


def batches(count: int, size: int) -> list[list[Listing]]:
    listings = [Listing(id=f"l{i}", title=TITLES[i % len(TITLES)], location="Hà Nội") for i in range(count)]
    return [listings[start : start + size] for start in range(0, count, size)]


def test_two_processes_match_one_in_order() -> None:
    work = batches(70, 7)
    serial = list(analyze_batches(work, 0.5, workers=1))
    parallel = list(analyze_batches(work, 0.5, workers=2))
    assert [batch for batch, _ in parallel] == work
    assert [analyses for _, analyses in parallel] == [analyses for _, analyses in serial]
    assert [a.listing_id for _, analyses in parallel for a in analyses] == [f"l{i}" for i in range(70)]
    assert serial[0][1] == analyze_batch(work[0], 0.5)


def test_no_batches_and_one_batch() -> None:
    assert list(analyze_batches([], 0.5, workers=2)) == []
    work = batches(3, 10)
    assert list(analyze_batches(work, 0.5, workers=2)) == [(work[0], analyze_batch(work[0], 0.5))]


def test_threshold_reaches_the_workers() -> None:
    work = batches(12, 3)
    flagged = [a.detection.flagged for _, analyses in analyze_batches(work, 1.0, workers=2) for a in analyses]
    assert flagged == [False] * 12


def test_default_workers_is_within_bounds() -> None:
    assert 1 <= default_workers() <= 4
