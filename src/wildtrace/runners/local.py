"""The local runner: analyze batches in a pool of processes, results in input order.

Analysis is CPU-bound Python (about 1 ms a listing), so threads would not help; a
process per core does (measured in benchmarks/scan_throughput.py). The pool is only
started when a second batch arrives, so small inputs pay no start-up cost.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from wildtrace.detect import install_model, installed_model_bytes
from wildtrace.model import Analysis, Listing
from wildtrace.pipeline import analyze_batch

#: More processes than this rarely pay on the machines investigators use.
MAX_DEFAULT_WORKERS = 4


def default_workers() -> int:
    """One process per core, at most MAX_DEFAULT_WORKERS."""
    return max(1, min(MAX_DEFAULT_WORKERS, os.cpu_count() or 1))


#: prctl(2) option: the signal a process gets when its parent dies (Linux).
_PR_SET_PDEATHSIG = 1


def _worker_start(parent: int, model: bytes | None = None) -> None:
    """Workers leave Ctrl-C and SIGTERM to the parent, which stops the scan cleanly (no
    worker tracebacks), and die with it: a parent killed outright (SIGKILL, out of memory)
    must not leave its workers running, each holding the analyzer's memory. They analyse
    with the parent's model: ``model`` is the bytes it installed (the store's active
    model), given here rather than read from the store again."""
    install_model(model)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if not _die_with_parent_linux():
        threading.Thread(target=_watch_parent, args=(parent,), name="parent-watch", daemon=True).start()
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


def _die_with_parent_linux() -> bool:
    """Ask the kernel to SIGKILL this process when its parent dies; False where it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    """Elsewhere: end the worker within a second of its parent's death."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def analyze_batches(
    batches: Iterable[list[Listing]], threshold: float, workers: int = 1
) -> Iterator[tuple[list[Listing], list[Analysis]]]:
    """Yield each batch with its analyses, in the order the batches came."""
    iterator = iter(batches)
    first = next(iterator, None)
    if first is None:
        return
    second = next(iterator, None)
    if workers <= 1 or second is None:
        yield first, analyze_batch(first, threshold)
        if second is not None:
            yield second, analyze_batch(second, threshold)
        for batch in iterator:
            yield batch, analyze_batch(batch, threshold)
        return
    initargs = (os.getpid(), installed_model_bytes())
    with ProcessPoolExecutor(max_workers=workers, initializer=_worker_start, initargs=initargs) as pool:
        pending: deque[tuple[list[Listing], Future[list[Analysis]]]] = deque()
        try:
            for batch in (first, second):
                pending.append((batch, pool.submit(analyze_batch, batch, threshold)))
            for batch in iterator:
                pending.append((batch, pool.submit(analyze_batch, batch, threshold)))
                # keep a bounded number of batches in flight: memory stays flat
                while len(pending) > 2 * workers:
                    done, future = pending.popleft()
                    yield done, future.result()
            while pending:
                done, future = pending.popleft()
                yield done, future.result()
        finally:
            for _, future in pending:
                future.cancel()
