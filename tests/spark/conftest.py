"""One local Spark session (local[2]) for all the Spark tests, and one small input set.

Without Java or the spark extra the tests skip, saying why; where the services are required
(WILDTRACE_REQUIRE_SERVICES, as in CI) they fail instead.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from wildtrace.commands.demo import demo_inputs

#: Demo listings in the Spark tests: few, so the suite stays quick (Spark is slow to start).
SAMPLE = 60


@pytest.fixture(scope="session")
def spark(missing_service: Callable[[str], None]) -> Iterator[Any]:
    if importlib.util.find_spec("pyspark") is None:
        missing_service("pyspark is not installed (pip install 'wildtrace[spark]')")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        missing_service("Java is not installed: Spark needs it (apt-get install openjdk-17-jre-headless)")
    from wildtrace.runners.spark import spark_session

    session = spark_session("local[2]", app="wildtrace-tests")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def spark_inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a JSONL file (demo listings, a duplicate id, a line that is not JSON, one
    that is not UTF-8, a blank line), the demo's CSV file, and demo listings as Parquet."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = tmp_path_factory.mktemp("spark-inputs")
    data = demo_inputs()[0].parent
    lines = (data / "listings.jsonl").read_text(encoding="utf-8").splitlines()
    jsonl = [*lines[:SAMPLE], "", "not json", lines[3]]
    (folder / "listings.jsonl").write_bytes(
        "\n".join(jsonl).encode("utf-8") + b"\n" + b'{"id": "x1", "title": "caf\xe9"}\n'
    )
    shutil.copy(data / "more" / "shops.csv", folder / "shops.csv")
    records = [json.loads(line) for line in lines[SAMPLE : SAMPLE + 20]]
    pq.write_table(pa.Table.from_pylist(records), folder / "more.parquet")
    return folder
