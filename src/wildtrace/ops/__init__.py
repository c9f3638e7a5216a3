"""Operations and seizures: import partners' seizure sheets, report what an operation achieved.

    result = read_seizures(Path("seizures.xlsx"))        # checked lines + rejects with reasons
    save_rows(store, "KESTREL-2025", result.rows)        # idempotent (line fingerprints)
    report = build_report(store, "KESTREL-2025")         # JSON-ready figures
    render_text(report), render_html(report)

The core (units, countries, commodities, dates, valuation, importer) imports no framework;
``store`` and ``report`` are the adapters to the database and to the page.
"""

from __future__ import annotations

from wildtrace.ops.importer import ReadResult, read_seizures, write_rejects
from wildtrace.ops.model import RejectedRow, Seizure, Suspect
from wildtrace.ops.report import build_report, render_html, render_text
from wildtrace.ops.store import save_rows

__all__ = [
    "ReadResult",
    "RejectedRow",
    "Seizure",
    "Suspect",
    "build_report",
    "read_seizures",
    "render_html",
    "render_text",
    "save_rows",
    "write_rejects",
]
