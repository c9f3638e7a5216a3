"""Reference data shared by every stage: units and countries, one table each.

Pure: the tables are CSV files in ``data/`` read once, lazily; nothing else is read or
written. ``extract`` (running text) and ``ops`` (seizure sheets) both ask here, so the same
name gives the same answer everywhere.
"""

from __future__ import annotations

from wildtrace.reference.countries import country_code, country_name, text_country_names
from wildtrace.reference.text import fold
from wildtrace.reference.units import MEASURES, Measure, Unit, text_unit_names, unit_named, units

__all__ = [
    "MEASURES",
    "Measure",
    "Unit",
    "country_code",
    "country_name",
    "fold",
    "text_country_names",
    "text_unit_names",
    "unit_named",
    "units",
]
