"""Collect: getting evidence in (importers for files and folders, WARC, evidence hashes)."""

from wildtrace.collect.evidence import sha256_hex
from wildtrace.collect.importers import find_input_files, read_file, read_inputs

__all__ = ["find_input_files", "read_file", "read_inputs", "sha256_hex"]
