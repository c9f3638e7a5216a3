"""Collect: getting evidence in (importers for files and folders, WARC, evidence hashes)."""

from wildtrace.collect.importers import find_input_files, read_file, read_inputs
from wildtrace.evidence.payload import sha256_hex

__all__ = ["find_input_files", "read_file", "read_inputs", "sha256_hex"]
