"""Collect: getting evidence in (importers for files and folders, WARC, evidence hashes)."""

from wildtrace.collect.evidence import sha256_hex
from wildtrace.collect.importers import InputFiles, find_input_files, find_inputs, read_file, read_inputs

__all__ = ["InputFiles", "find_input_files", "find_inputs", "read_file", "read_inputs", "sha256_hex"]
