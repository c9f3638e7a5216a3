"""The investigators' pages: server-rendered Jinja2 (autoescape on for every template), htmx and a
little of our own JavaScript from ``/static`` (the Content-Security-Policy allows no inline script
or style).

Every route declares its rule with ``Depends(require(capability, page=True))``; the data comes from
``store/browse.py`` and ``store/dashboard.py``, which apply the visibility filter: a listing the
viewer may not see is answered exactly like one that does not exist.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATES = Path(__file__).parent / "templates"

router = APIRouter()


@cache
def templates() -> Jinja2Templates:
    """The page templates, escaped everywhere (``autoescape=True``, not by file extension)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return Jinja2Templates(env=env)
