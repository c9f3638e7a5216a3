"""Tables for analysts' judgements on links and merges, image hashes (issue 4).

Declared on the shared ``Base`` so that migrations and the schema-agreement test see them.
"""

from __future__ import annotations

from wildtrace.store.tables import Base  # noqa: F401
