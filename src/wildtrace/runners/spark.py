"""The Spark runner: ``analyze_batch`` in each partition of a Spark job, scan rows out as Parquet.

For collections larger than one machine. Spark reads the inputs (local paths or any URL
Hadoop reads: hdfs://, s3a://, ...), each Python worker turns its records into listings with
the rules ``scan`` uses (``collect.importers``), analyses Arrow batches of them with the same
``analyze_batch`` (``mapInArrow``), and the rows are written with ``runners.parquet.SCHEMA``,
partitioned by platform and day. Rejected records (and second listings with an id already
read, as ``scan`` rejects them) go to ``OUT/rejects`` as JSON lines.

The detection data (lexicon, taxa, model) loads once per Python worker, lazily, as in every
process (``detect``); workers are reused across tasks, so it is not loaded per task. Each
worker checks that its data has the digest the driver's has (``analyzer_version``): a cluster
whose nodes run another WildTrace would otherwise mix analyses. A user's model
(``model_bytes``) is broadcast once and installed once per worker.

An adapter: it imports pyspark (the ``spark`` extra), the core never does.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from wildtrace.collect.importers import input_format, jsonl_record, read_file
from wildtrace.collect.tabular import decoded_line, is_blank
from wildtrace.config import max_field_bytes, max_record_bytes
from wildtrace.errors import InputError, WildTraceError
from wildtrace.model import Listing, Origin, Reject
from wildtrace.output import listing_record
from wildtrace.runners.parquet import PARTITION_COLUMNS, SCHEMA, pair_from_row, parquet_row
from wildtrace.scanning import BATCH_SIZE

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

#: The input formats the Spark runner reads, by ``input_format`` (plus ``.parquet``).
SPARK_FORMATS = ("jsonl", "csv", "parquet")
#: Where the rejected records go, under the output folder ("_": Spark and pyarrow skip it
#: when they read the output as a dataset).
REJECTS_FOLDER = "_rejects"

#: Columns beside SCHEMA while the job runs: where a record came from, and why it was rejected.
_WORK = [
    pa.field("_file", pa.int32()),
    pa.field("_position", pa.int64()),
    pa.field("_reason", pa.string()),
    pa.field("_raw", pa.string()),
]
_WORK_SCHEMA = pa.schema([pa.field(f.name, f.type) for f in SCHEMA] + _WORK)  # id may be null: a reject
_REJECT_SCHEMA = pa.schema([("file", pa.string()), ("line", pa.int64()), ("reason", pa.string()),
                            ("raw", pa.string())])  # fmt: skip


def spark_session(master: str | None = None, app: str = "wildtrace") -> SparkSession:
    """A session for WildTrace jobs (``local[*]`` unless ``master``). ``PYSPARK_PYTHON`` is
    set to this Python when unset: otherwise workers start ``python3`` from PATH, which lacks
    WildTrace and pyarrow."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    master = master or "local[*]"
    builder = SparkSession.builder.appName(app).master(master)
    if master.startswith("local"):  # Spark's 200 shuffle tasks cost ~0.3 s each on one machine
        builder = builder.config("spark.sql.shuffle.partitions", str(os.cpu_count() or 2))
    session = (
        builder.config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(BATCH_SIZE))
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


@dataclass(frozen=True)
class InputFile:
    """One file to read: its URL as Spark names it, as shown to the user, and its format."""

    url: str
    shown: str
    format: str


def input_files(spark: SparkSession, inputs: Sequence[str]) -> tuple[list[InputFile], list[Reject]]:
    """The files to read (folders walked through Hadoop's file system, hidden files and
    ``_``-files skipped, in sorted order) and a reject for each given file of a format the
    Spark runner does not read. A missing input raises InputError."""
    jvm: Any = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    found: list[InputFile] = []
    skipped: list[Reject] = []
    seen: set[str] = set()
    for given in inputs:
        path = jvm.org.apache.hadoop.fs.Path(given)
        fs = path.getFileSystem(conf)
        statuses = fs.globStatus(path)
        if not statuses:
            raise InputError(given, "no such file or directory")
        for status in statuses:
            if status.isDirectory():
                urls = []
                walk = fs.listFiles(status.getPath(), True)
                while walk.hasNext():
                    urls.append(walk.next().getPath().toString())
                prefix = status.getPath().toString()
                urls = [url for url in sorted(urls) if not _hidden(url[len(prefix) :])]
                explicit = False
            else:
                urls, explicit = [status.getPath().toString()], True
            for url in urls:
                kind = spark_format(url)
                shown = _shown(url)
                if kind is None:
                    if explicit:
                        known = "JSON Lines (.jsonl), CSV (.csv) and Parquet (.parquet)"
                        skipped.append(Reject(Origin(shown), f"not a file the Spark runner reads ({known})"))
                    continue
                if url not in seen:
                    seen.add(url)
                    found.append(InputFile(url, shown, kind))
    return found, skipped


def _refuse_overwriting_inputs(spark: SparkSession, out: str, files: Sequence[InputFile]) -> None:
    """``--out`` is replaced whole: it must not hold an input."""
    jvm: Any = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(out)
    target = path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).makeQualified(path).toString()
    for file in files:
        if file.url == target or file.url.startswith(target.rstrip("/") + "/"):
            raise WildTraceError(f"--out {out} would overwrite the input {file.shown}; choose another folder")


def spark_format(url: str) -> str | None:
    """"jsonl", "csv" or "parquet" from the file name, else None."""
    name = PurePosixPath(url).name
    if name.lower().endswith(".parquet"):
        return "parquet"
    kind = input_format(Path(name))
    return kind if kind in SPARK_FORMATS else None


def _hidden(relative: str) -> bool:
    return any(part.startswith((".", "_")) for part in relative.split("/") if part)


def _shown(url: str) -> str:
    """A local file as a plain path (as ``scan`` names it); any other URL as it is."""
    return url[len("file:") :] if url.startswith("file:/") else url


# -- the job ---------------------------------------------------------------------------------


@dataclass
class SparkScanTotals:
    """What a Spark scan did, for the summary and the exit status."""

    files: int = 0
    read: int = 0
    flagged: int = 0
    rejected: int = 0


def spark_scan(
    spark: SparkSession,
    inputs: Sequence[str],
    out: str,
    *,
    threshold: float,
    partitions: int | None = None,
    model_bytes: bytes | None = None,
) -> SparkScanTotals:
    """Read, analyse and write: scan rows to ``out`` (Parquet, partitioned by platform and day),
    rejected records to ``out/_rejects``. ``partitions`` spreads the records over that many
    tasks before the analysis (default: as Spark reads them). ``model_bytes``: a learned model
    to use instead of the packaged one (default: the one the driver installed from the store,
    ``detect.install_model``), broadcast to the workers and installed once in each."""
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window

    from wildtrace.detect import install_model, installed_model_bytes
    from wildtrace.pipeline import prepare

    if model_bytes is None:  # the store's active model, where the driver installed one
        model_bytes = installed_model_bytes()
    else:  # the driver's digest must be the workers'
        install_model(model_bytes)
    version = prepare()  # a bad detector setting stops here, before any task starts
    files, skipped = input_files(spark, inputs)
    _refuse_overwriting_inputs(spark, out, files)
    if not files and not skipped:
        raise WildTraceError(f"no JSONL, CSV or Parquet files found in {', '.join(inputs)}")
    model = None
    if model_bytes is not None:
        model = spark.sparkContext.broadcast(model_bytes)
    records = _records(spark, files)
    if partitions:
        records = records.repartition(partitions)
        spark.conf.set("spark.sql.shuffle.partitions", str(partitions))
    analyse = _analyser(threshold, version, model)
    rows = records.mapInArrow(analyse, _spark_schema(spark, _WORK_SCHEMA))
    # a second listing with a key already read is a duplicate, as in ``scan``: the first wins
    platform = F.coalesce(F.col("platform"), F.lit(""))
    key = Window.partitionBy(platform, F.col("id")).orderBy("_file", "_position")
    rows = rows.withColumn("_rank", F.when(F.col("_reason").isNull(), F.row_number().over(key)))
    rows = rows.withColumn("_first", F.first(F.struct("origin_file", "origin_line")).over(key))
    rows = rows.persist()
    try:
        listings = rows.where(F.col("_reason").isNull() & (F.col("_rank") == 1))
        listings.select(*SCHEMA.names).write.mode("overwrite").partitionBy(*PARTITION_COLUMNS).parquet(out)
        duplicates = rows.where(F.col("_reason").isNull() & (F.col("_rank") > 1))
        rejects = rows.where(F.col("_reason").isNotNull()).select(
            F.col("origin_file").alias("file"), F.col("origin_line").alias("line"),
            F.col("_reason").alias("reason"), F.col("_raw").alias("raw"),
        ).unionByName(
            duplicates.mapInArrow(_duplicate_rejects, _spark_schema(spark, _REJECT_SCHEMA))
        )  # fmt: skip
        if skipped:
            given = [(r.origin.file, r.origin.line, r.reason, r.raw) for r in skipped]
            rejects = rejects.unionByName(spark.createDataFrame(given, _spark_schema(spark, _REJECT_SCHEMA)))
        rejects.coalesce(1).write.mode("overwrite").option("ignoreNullFields", "false").json(
            f"{out.rstrip('/')}/{REJECTS_FOLDER}"
        )
        kept = F.col("_reason").isNull() & (F.col("_rank") == 1)
        counts = rows.agg(  # one job for the three counts
            F.sum(kept.cast("long")), F.sum((kept & F.col("flagged")).cast("long")), F.count("*")
        ).collect()[0]
    finally:
        rows.unpersist()
    read, flagged, everything = (int(value or 0) for value in counts)
    rejected = everything - read + len(skipped)
    return SparkScanTotals(files=len(files), read=read, flagged=flagged, rejected=rejected)


def _spark_schema(spark: SparkSession, schema: pa.Schema) -> Any:
    """An Arrow schema as Spark's (the one SCHEMA, no second description of the columns)."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema)


def _records(spark: SparkSession, files: Sequence[InputFile]) -> DataFrame:
    """One row per record: (_file, _position, origin_file, origin_line, text, content).

    JSON Lines: a row per line, numbered (``zipWithIndex``) so rejects name file and line;
    lines are read as bytes and decoded by ``scan``'s rule, so only UTF-8 is read.
    Parquet: a row per row, as a JSON object (read with the JSON record rules), its number as
    the line. CSV: a row per file (a quoted field may span lines), read whole by one task
    with ``collect``'s CSV reader.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.types import BinaryType, IntegerType, LongType, StringType, StructField, StructType

    schema = StructType([
        StructField("_file", IntegerType()), StructField("_position", LongType()),
        StructField("origin_file", StringType()), StructField("origin_line", LongType()),
        StructField("text", BinaryType()), StructField("content", BinaryType()),
    ])  # fmt: skip
    parts: list[DataFrame] = []
    context = spark.sparkContext
    for number, file in enumerate(files):
        if file.format == "jsonl":
            # the text source keeps each line's bytes as they are (textFile would decode them,
            # replacing what is not UTF-8); one file's splits stay in file order
            lines = spark.read.text(file.url).select(F.col("value").cast("binary"))
            numbered = lines.rdd.map(lambda row: row[0]).zipWithIndex()
            rdd = numbered.map(partial(_line_record, number, file.shown))
        elif file.format == "parquet":
            rows = spark.read.parquet(file.url).select(F.to_json(F.struct("*")))
            rdd = rows.rdd.map(lambda row: row[0].encode("utf-8")).zipWithIndex()
            rdd = rdd.map(partial(_line_record, number, file.shown))
        else:  # csv: whole files
            rdd = context.binaryFiles(file.url).map(partial(_file_record, number, file.shown))
        parts.append(spark.createDataFrame(rdd, schema))
    if not parts:
        return spark.createDataFrame([], schema)
    records = parts[0]
    for part in parts[1:]:
        records = records.unionByName(part)
    return records


def _line_record(file: int, shown: str, item: tuple[bytes, int]) -> tuple[Any, ...]:
    """A numbered line (or Parquet row) as a record row."""
    text, index = item
    return (file, index, shown, index + 1, text, None)


def _file_record(file: int, shown: str, item: tuple[str, bytes]) -> tuple[Any, ...]:
    """A whole (CSV) file as a record row."""
    return (file, 0, shown, None, None, item[1])


# -- in the Python workers -------------------------------------------------------------------


def _analyser(threshold: float, version: str, model: Any) -> Any:
    """The function each task runs over its Arrow batches (pickled with its arguments only)."""

    def analyse(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        _check_worker(version, model)
        from wildtrace.pipeline import analyze_batch, with_price_fallback

        for batch in batches:
            listings: list[tuple[int, int, Listing]] = []
            rows: list[dict[str, Any]] = []
            for record in batch.to_pylist():
                for position, item in _parsed(record):
                    if isinstance(item, Reject):
                        rows.append(_reject_work_row(record["_file"], position, item))
                    else:
                        listings.append((record["_file"], position, item))
            for start in range(0, len(listings), BATCH_SIZE):
                chunk = listings[start : start + BATCH_SIZE]
                analyses = analyze_batch([listing for _, _, listing in chunk], threshold)
                for (file, position, listing), analysis in zip(chunk, analyses, strict=True):
                    row = parquet_row(with_price_fallback(listing, analysis), analysis)
                    rows.append({**row, "_file": file, "_position": position, "_reason": None, "_raw": None})
            yield pa.RecordBatch.from_pylist(rows, _WORK_SCHEMA)

    return analyse


def _parsed(record: dict[str, Any]) -> Iterator[tuple[int, Listing | Reject]]:
    """The listing or reject of one record row, with its position in its file (JSONL and
    Parquet: the line; CSV: each row of the file, by ``collect.read_file``)."""
    shown, line = record["origin_file"], record["origin_line"]
    if record["content"] is not None:
        yield from _csv_records(shown, record["content"])
        return
    raw: bytes = record["text"]
    if raw.endswith(b"\r"):
        raw = raw[:-1]
    if line == 1 and raw.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte-order mark
        raw = raw[3:]
    limit = max_record_bytes()
    text, problem = decoded_line(raw if len(raw) <= limit else None, "utf-8", limit)
    origin = Origin(shown, line)
    if problem:
        yield line, Reject(origin, problem, text)
        return
    if is_blank(text):
        return  # a blank line, as ``scan`` skips it
    removed = text.count("\x00")
    if removed:
        text = text.replace("\x00", "")
    item = jsonl_record(text, origin, {}, max_field_bytes(), removed)
    if isinstance(item, Listing | Reject):  # never a Page: those come from WARC files
        yield line, item


def _csv_records(shown: str, content: bytes) -> Iterator[tuple[int, Listing | Reject]]:
    """A CSV file's listings and rejects by the reader ``scan`` uses (it reads a path)."""
    with tempfile.TemporaryDirectory(prefix="wildtrace-spark-") as folder:
        path = Path(folder, "input.csv")
        path.write_bytes(content)
        for item in read_file(path):
            if isinstance(item, Listing | Reject):
                origin = Origin(shown, item.origin.line if item.origin else None)
                if isinstance(item, Reject):
                    yield origin.line or 0, Reject(origin, item.reason, item.raw)
                else:
                    yield origin.line or 0, _with_origin(item, origin)


def _with_origin(listing: Listing, origin: Origin) -> Listing:
    return replace(listing, origin=origin)


def _reject_work_row(file: int, position: int, reject: Reject) -> dict[str, Any]:
    return {"id": None, "_file": file, "_position": position, "_reason": reject.reason, "_raw": reject.raw,
            "origin_file": reject.origin.file, "origin_line": reject.origin.line}  # fmt: skip


def _duplicate_rejects(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Second listings with a key already read, as ``scan``'s rejects say it."""
    for batch in batches:
        rejects = []
        for row in batch.to_pylist():
            listing, _ = pair_from_row(row)
            first = row["_first"]
            where = f" (first at {Origin(first['origin_file'], first['origin_line'])})" if first else ""
            on = f" on {listing.platform}" if listing.platform else ""
            rejects.append({
                "file": row["origin_file"], "line": row["origin_line"],
                "reason": f"duplicate id {listing.id!r}{where}{on}",
                "raw": json.dumps(listing_record(listing), ensure_ascii=False),
            })  # fmt: skip
        yield pa.RecordBatch.from_pylist(rejects, _REJECT_SCHEMA)


#: The digest of the model this worker installed (None: the packaged one).
_installed_model: str | None = None


def _check_worker(version: str, model: Any) -> None:
    """Once per worker process: install the broadcast model, and refuse to analyse with
    detection data other than the driver's."""
    global _installed_model
    from wildtrace.detect import install_model
    from wildtrace.pipeline import prepare

    if model is not None:
        digest = hashlib.sha256(model.value).hexdigest()
        if _installed_model != digest:
            install_model(model.value, "the model broadcast by the Spark driver")
            _installed_model = digest
    mine = prepare()
    if mine != version:
        raise WildTraceError(
            f"this Spark worker analyses with {mine}, the driver with {version}: install the same "
            "WildTrace (and WILDTRACE_* detection settings) on every node"
        )


# -- link keys -------------------------------------------------------------------------------

#: The link keys' Parquet schema: one row per selector, the accounts whose listings give it.
LINK_KEYS_SCHEMA = pa.schema([
    ("type", pa.string()), ("value", pa.string()), ("accounts", pa.list_(pa.string())),
    ("account_count", pa.int64()), ("listings", pa.int64()),
])  # fmt: skip
_KEY_ROW = pa.schema([("type", pa.string()), ("value", pa.string()), ("account", pa.string())])


def spark_link_keys(spark: SparkSession, inputs: Sequence[str], out: str) -> int:
    """Selector -> accounts from scan rows in Parquet (``spark scan``'s output): for each
    selector of a type that links (``link.LINKING_TYPES``), the accounts (``link.account_of``,
    else ``listing:KEY``, as ``link`` names them) whose listings give it. All that is left for
    one machine is the union-find (with the over-correlation guard) over these keys. Returns
    the number of keys written."""
    from pyspark.sql import functions as F

    rows = spark.read.parquet(*inputs).select("id", "platform", "seller", "selectors")
    keys = rows.mapInArrow(_link_key_rows, _spark_schema(spark, _KEY_ROW))
    table = keys.groupBy("type", "value").agg(
        F.sort_array(F.collect_set("account")).alias("accounts"), F.count("*").alias("listings")
    )
    table = table.select("type", "value", "accounts", F.size("accounts").cast("long").alias("account_count"),
                         "listings")  # fmt: skip
    table = table.orderBy("type", "value").persist()
    try:
        table.write.mode("overwrite").parquet(out)
        return int(table.count())
    finally:
        table.unpersist()


def _link_key_rows(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    from wildtrace.link import LINKING_TYPES, account_of

    for batch in batches:
        keys = []
        for row in batch.to_pylist():
            listing = Listing(id=row["id"], platform=row["platform"], seller=row["seller"])
            account = account_of(listing) or f"listing:{listing.key}"
            for selector in row["selectors"] or ():
                if selector["type"] in LINKING_TYPES:
                    keys.append({"type": selector["type"], "value": selector["value"], "account": account})
        yield pa.RecordBatch.from_pylist(keys, _KEY_ROW)
