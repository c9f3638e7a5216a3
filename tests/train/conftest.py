"""The model a test installs (a store's active model) must not leak into the next test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from wildtrace.detect import install_model


@pytest.fixture(autouse=True)
def packaged_model_again() -> Iterator[None]:
    install_model(None)
    yield
    install_model(None)
