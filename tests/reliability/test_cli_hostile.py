"""The scan command against hostile folders and hostile endings: FIFOs, symlink loops,
unreadable folders, SIGTERM and kill -9, on real processes, real files and real databases."""

from __future__ import annotations

import ctypes
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from wildtrace.collect import find_inputs

GOOD = [
    {"id": "vn-1", "platform": "chotot-demo", "seller": "ngavoi_hn", "title": "Bán vòng ngà voi thật",
     "text": "Zalo 0912.345.678, ship kín", "price": "3.500.000đ"},
    {"id": "en-1", "platform": "facebook", "seller": "Ivory Art", "title": "Antique ivory carving",
     "text": "WhatsApp +84 912 345 678, DM for price", "price": "$450"},
    {"id": "en-2", "platform": "shopee", "seller": "dress_shop", "title": "Ivory lace wedding dress",
     "text": "Size M, never worn", "price": "$80"},
]  # fmt: skip


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def many(count: int) -> list[dict[str, Any]]:
    return [dict(GOOD[index % 3], id=f"r{index}") for index in range(count)]


def wildtrace(*args: str, timeout: float = 120, **popen: Any) -> subprocess.CompletedProcess[str]:
    """Run the real command in its own process; a hang fails the test instead of hanging it."""
    return subprocess.run([sys.executable, "-m", "wildtrace", *args], capture_output=True, text=True,
                          timeout=timeout, **popen)  # fmt: skip


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "wildtrace", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)  # fmt: skip


def children(pid: int) -> set[int]:
    """Live processes whose parent is ``pid`` (read from /proc: no psutil needed)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None and fields[1] == str(pid) and fields[0] != "Z":
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    fields = _stat(pid)
    return fields is not None and fields[0] not in ("Z", "X")


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    return raw.rsplit(")", 1)[-1].split()


def wait_for(condition: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def stored_uids(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [str(row[0]) for row in conn.execute(text("select uid from listings"))]
    except Exception:  # the schema is not there yet
        return []
    finally:
        engine.dispose()


def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]
    finally:
        engine.dispose()


def _kill_all(process: subprocess.Popen[str], workers: set[int], after: float = 0) -> None:
    """However the test ends, leave no process behind (a failing test would leave orphans)."""
    deadline = time.monotonic() + after
    while time.monotonic() < deadline and any(alive(pid) for pid in workers):
        time.sleep(0.1)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    for pid in workers:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")


# -- finding 20: a FIFO in an input folder ------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_in_an_input_folder_is_rejected_unopened_and_the_rest_stored(tmp_path: Path) -> None:
    folder = tmp_path / "inputs"
    folder.mkdir()
    write_jsonl(folder / "a.jsonl", GOOD)
    os.mkfifo(folder / "b.jsonl")  # nobody ever writes to it: opening it for reading blocks forever
    write_jsonl(folder / "c.jsonl", [dict(GOOD[0], id="c-1")])
    db = f"sqlite:///{tmp_path / 'w.db'}"
    result = wildtrace("scan", str(folder), "--db", db, "--out", str(tmp_path / "rows.jsonl"), timeout=90)
    assert result.returncode == 1, result.stderr
    assert "b.jsonl: a named pipe (FIFO), not a file" in result.stderr
    assert sorted(stored_uids(db)) == ["c-1", "en-1", "en-2", "vn-1"]
    rejects = [json.loads(line) for line in (tmp_path / "rows.jsonl.rejects.jsonl").read_text().splitlines()]
    assert [Path(row["file"]).name for row in rejects] == ["b.jsonl"]


# -- finding 21: a symlink loop with --out ------------------------------------------------------


def test_a_symlink_loop_is_a_reject_and_the_rest_is_processed(tmp_path: Path) -> None:
    folder = tmp_path / "inputs"
    folder.mkdir()
    write_jsonl(folder / "a.jsonl", GOOD)
    (folder / "loop.jsonl").symlink_to("loop.jsonl")
    (folder / "ping.csv").symlink_to("pong.csv")
    (folder / "pong.csv").symlink_to("ping.csv")
    out = tmp_path / "rows.jsonl"
    result = wildtrace("scan", str(folder), "--no-store", "--out", str(out))
    assert result.returncode == 1, result.stderr
    assert "internal error" not in result.stderr
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["vn-1", "en-1", "en-2"]
    rejected = {Path(json.loads(line)["file"]).name: json.loads(line)["reason"]
                for line in out.with_name("rows.jsonl.rejects.jsonl").read_text().splitlines()}  # fmt: skip
    assert set(rejected) == {"loop.jsonl", "ping.csv", "pong.csv"}
    assert all("symbolic link" in reason for reason in rejected.values())


def test_out_over_an_input_is_still_refused_beside_a_symlink_loop(tmp_path: Path) -> None:
    folder = tmp_path / "inputs"
    folder.mkdir()
    source = write_jsonl(folder / "a.jsonl", GOOD)
    (folder / "loop.jsonl").symlink_to("loop.jsonl")
    result = wildtrace("scan", str(folder), "--no-store", "--out", str(source))
    assert result.returncode == 2, result.stderr
    assert "would overwrite the input" in result.stderr
    assert source.read_text(encoding="utf-8").count("\n") == 3


# -- finding 25: an unreadable folder -----------------------------------------------------------


#: Linux capability numbers and the prctl call that drops one from the bounding set.
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _PR_CAPBSET_DROP = 1, 2, 24


def drop_root_reading() -> None:
    """Run in the child before exec: take away root's power to read through permissions (its
    capabilities DAC_OVERRIDE and DAC_READ_SEARCH, gone from the bounding set and so from the
    program it then runs), so chmod 000 really stops reading. Nothing to do for another user."""
    if os.getuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_an_unreadable_folder_is_a_reject_not_silently_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "inputs"
    (folder / "locked").mkdir(parents=True)
    write_jsonl(folder / "a.jsonl", GOOD)
    write_jsonl(folder / "locked" / "hidden.jsonl", [dict(GOOD[0], id="hidden-1")])
    out = tmp_path / "rows.jsonl"
    os.chmod(folder / "locked", 0o000)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "wildtrace", "scan", str(folder), "--no-store", "--out", str(out)],
            capture_output=True, text=True, timeout=120, preexec_fn=drop_root_reading,
        )  # fmt: skip
    finally:
        os.chmod(folder / "locked", 0o755)
    assert result.returncode == 1, result.stderr
    assert "locked: cannot read folder: Permission denied" in result.stderr
    assert len(out.read_text().splitlines()) == 3
    rejects = out.with_name("rows.jsonl.rejects.jsonl").read_text()
    assert "locked" in rejects and "Permission denied" in rejects


# -- finding 24: killed or terminated scans -----------------------------------------------------


@needs_proc
def test_kill_9_takes_the_workers_down_and_the_next_scan_closes_the_run(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", many(4000))
    db = f"sqlite:///{tmp_path / 'w.db'}"
    process = start("scan", str(source), "--db", db, "--workers", "2")
    workers: set[int] = set()
    try:
        wait_for(lambda: len(stored_uids(db)) > 0 and len(children(process.pid)) >= 2, 90, "two workers")
        workers = children(process.pid)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        wait_for(lambda: not any(alive(pid) for pid in workers), 10, f"workers {workers} to end")
    finally:
        _kill_all(process, workers)
    assert query(db, "select id, status from scan_runs") == [(1, "running")]  # nothing could close it
    # the next scan into the store (of anything) closes the abandoned run
    rerun = wildtrace("scan", str(write_jsonl(tmp_path / "next.jsonl", GOOD)), "--db", db)
    assert rerun.returncode == 0, rerun.stderr
    assert "Run 1, left running by a scan that is gone, was closed as interrupted." in rerun.stderr
    runs = query(db, "select id, status, stored from scan_runs order by id")
    assert [(run[0], run[1]) for run in runs] == [(1, "interrupted"), (2, "completed")]
    assert runs[0][2] > 0  # the counts the killed scan had reached


@needs_proc
def test_sigterm_is_handled_like_ctrl_c(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", many(4000))
    db = f"sqlite:///{tmp_path / 'w.db'}"
    process = start("scan", str(source), "--db", db, "--workers", "2")
    workers: set[int] = set()
    try:
        wait_for(lambda: len(stored_uids(db)) > 0 and len(children(process.pid)) >= 2, 90, "two workers")
        workers = children(process.pid)
        os.kill(process.pid, signal.SIGTERM)  # what `kill`, systemd and docker stop send
        _, err = process.communicate(timeout=60)
    finally:
        _kill_all(process, workers, after=10)
    assert process.returncode == 143, err
    assert "Interrupted: what was stored so far is consistent" in err
    assert re.search(r"listings read from .*Stored [\d,]+ new", err, re.S)  # the summary, as after Ctrl-C
    wait_for(lambda: not any(alive(pid) for pid in workers), 10, f"workers {workers} to end")
    stored = len(stored_uids(db))
    assert query(db, "select status, stored from scan_runs") == [("interrupted", stored)]


# -- kill -9 in the middle of a scan, then a rerun ---------------------------------------------


@needs_proc
def test_kill_9_mid_scan_loses_nothing_reported_and_stores_nothing_twice(tmp_path: Path, db_url: str) -> None:
    total = 3000
    source = write_jsonl(tmp_path / "in.jsonl", many(total))
    out = tmp_path / "rows.jsonl"
    process = start("scan", str(source), "--db", db_url, "--workers", "2", "--out", str(out))
    try:
        wait_for(lambda: out.exists() and out.stat().st_size > 0, 120, "the first rows")
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    # a row is written only after its batch is committed: every reported row is stored
    reported = [json.loads(line)["id"] for line in out.read_text().splitlines() if line.endswith("}")]
    stored = stored_uids(db_url)
    assert 0 < len(reported) <= len(stored) < total
    assert set(reported) <= set(stored)
    rerun = wildtrace("scan", str(source), "--db", db_url, "--workers", "2", "--out", str(out))
    assert rerun.returncode == 0, rerun.stderr
    assert f"Stored {total - len(stored):,} new, 0 updated, {len(stored):,} unchanged" in rerun.stderr
    uids = stored_uids(db_url)
    assert len(uids) == len(set(uids)) == total
    assert query(db_url, "select count(*), count(distinct listing_id) from analyses") == [(total, total)]
    rows = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert rows == [f"r{i}" for i in range(total)]


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no UNIX sockets")
def test_every_kind_of_non_file_is_named_and_never_opened(tmp_path: Path) -> None:
    folder = tmp_path / "inputs"
    folder.mkdir()
    write_jsonl(folder / "a.jsonl", GOOD)
    os.mkfifo(folder / "pipe.csv")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(folder / "sock.jsonl"))
    (folder / "gone.html").symlink_to(folder / "missing.html")
    (folder / "fifo-without-ending").symlink_to(folder / "pipe.csv")  # not a known ending: ignored
    try:
        found = find_inputs([folder])  # would block forever on opening the FIFO
    finally:
        server.close()
    assert [path.name for path in found.files] == ["a.jsonl"]
    reasons = {Path(reject.origin.file).name: reject.reason for reject in found.skipped}
    assert reasons == {
        "pipe.csv": "a named pipe (FIFO), not a file: skipped without reading it",
        "sock.jsonl": "a socket, not a file: skipped without reading it",
        "gone.html": "symbolic link that cannot be followed: No such file or directory",
    }


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_given_by_name_is_refused_with_its_name(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "in.jsonl")
    result = wildtrace("scan", str(tmp_path / "in.jsonl"), "--no-store", timeout=60)
    assert result.returncode == 2, result.stderr
    assert "in.jsonl: a named pipe (FIFO), not a file" in result.stderr
