"""Evidence: WARC archives of what was served, and the chain-of-custody log.

archive = WarcArchive(out_dir, crawl_id, operator, profile, tool_version)
capture = archive.write_exchange(url=..., ...)   # request + response records, SHA-256
CustodyLog(store).append("capture", url, {...}, actor)
"""

from __future__ import annotations
