"""Hostile input for the pure core: damaged model files (every damage is a ModelFileError,
never another exception: "internal error" was the symptom of finding 11), and arbitrary
listing text through ``analyze`` (no exception, a probability, the same answer twice)."""

from __future__ import annotations

import io
import json
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from wildtrace.detect import LearnedModel
from wildtrace.detect.learned import FEATURE_VERSION, N_FEATURES, packaged_model_path
from wildtrace.errors import ModelFileError
from wildtrace.model import Listing
from wildtrace.pipeline import analyze

PACKAGED = packaged_model_path().read_bytes()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    flips=st.lists(st.tuples(st.integers(0, len(PACKAGED) - 1), st.integers(0, 7)), min_size=1, max_size=6),
    cut=st.one_of(st.none(), st.integers(0, len(PACKAGED) - 1)),
)
@example(flips=[(169, 0)], cut=None)  # a damaged array header: numpy raised tokenize.TokenError
def test_a_damaged_model_file_is_a_model_file_error_or_a_model(
    tmp_path: Path, flips: list[tuple[int, int]], cut: int | None
) -> None:
    data = bytearray(PACKAGED)
    for position, bit in flips:
        data[position] ^= 1 << bit
    if cut is not None:
        data = data[:cut]
    path = tmp_path / "damaged.npz"
    path.write_bytes(bytes(data))
    try:
        model = LearnedModel.load(path)
    except ModelFileError as error:
        assert error.path == str(path) and error.reason
    else:  # a flip the archive cannot see (a timestamp, padding) still gives a usable model
        assert model.weights.shape == (1 << 18,)


def test_a_model_whose_array_inflates_hugely_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """A deflate bomb (a few KB that inflate to 200 MB) is refused from the zip's sizes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        header = io.BytesIO()
        np.lib.format.write_array_header_1_0(header, {"descr": "<f4", "fortran_order": False,
                                                      "shape": (50_000_000,)})  # fmt: skip
        with archive.open("value.npy", "w", force_zip64=True) as member:
            member.write(header.getvalue())
            chunk = bytes(1 << 20)
            for _ in range(200):
                member.write(chunk)
        meta = {"feature_version": FEATURE_VERSION, "n_features": N_FEATURES}
        for name, array in (("index", np.arange(3, dtype=np.int32)), ("scalars", np.zeros(3)),
                            ("meta", np.array(json.dumps(meta)))):  # fmt: skip
            member_bytes = io.BytesIO()
            np.save(member_bytes, array)
            archive.writestr(f"{name}.npy", member_bytes.getvalue())
    path = tmp_path / "bomb.npz"
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < 1_000_000
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError, match="far too large"):
            LearnedModel.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024  # NumPy reports its arrays to tracemalloc: nothing inflated


_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400
) | st.sampled_from(["ivory", "象牙", "i v o r y", "\x00" * 50, "ngà voi 0912 345 678", "🐘" * 30, ""])


@settings(max_examples=200, deadline=None)
@given(title=_TEXT, text=_TEXT, seller_info=_TEXT, price=_TEXT, location=_TEXT)
def test_analyze_takes_any_text(title: str, text: str, seller_info: str, price: str, location: str) -> None:
    listing = Listing(id="h1", title=title or None, text=text or None, seller_info=seller_info or None,
                      price=price or None, location=location or None)  # fmt: skip
    first = analyze(listing)
    assert 0.0 <= first.detection.score <= 1.0
    assert first == analyze(listing)
