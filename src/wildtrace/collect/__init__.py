"""Collect: getting evidence in (importers for files and folders, WARC, evidence hashes)."""

from wildtrace.collect.importers import (
    LISTING_FIELDS,
    InputFiles,
    find_input_files,
    find_inputs,
    parse_field_mapping,
    read_file,
    read_inputs,
)
from wildtrace.collect.tabular import ReadOptions, Row, Table, TableError, check_encoding, read_table
from wildtrace.evidence.payload import sha256_hex

__all__ = [
    "LISTING_FIELDS",
    "InputFiles",
    "ReadOptions",
    "Row",
    "Table",
    "TableError",
    "check_encoding",
    "find_input_files",
    "find_inputs",
    "parse_field_mapping",
    "read_file",
    "read_inputs",
    "read_table",
    "sha256_hex",
]
