"""Site profiles: a YAML file that tells the crawler where to start and how to read one site.

A profile names start URLs, search URL templates filled from keyword lists (or from the
lexicon's terms for a commodity and language), link rules for listing and pagination
pages, and field selectors (CSS by default, ``xpath:`` for XPath). Every mistake is reported
with the file and the key (``links.listing[1]``), so an investigator can fix it alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus, urlsplit

import yaml
from parsel import Selector as ParselSelector
from parsel.csstranslator import HTMLTranslator

from wildtrace.errors import WildTraceError

#: Listing fields a profile may give selectors for.
FIELD_NAMES: tuple[str, ...] = (
    "title",
    "text",
    "price",
    "seller",
    "seller_info",
    "location",
    "images",
    "posted_at",
)
#: Phrases that mark a listing page as taken down although it is served with status 200.
DEFAULT_REMOVED_MARKERS: tuple[str, ...] = (
    "this listing has been removed",
    "this listing is no longer available",
    "listing not found",
    "annonce supprimée",
    "cette annonce n'est plus disponible",
    "tin đăng đã bị xóa",
    "tin đã bị gỡ",
    "商品已下架",
    "该商品已删除",
    "anúncio removido",
    "anuncio eliminado",
    "iklan telah dihapus",
)
_TOP_KEYS = frozenset(
    {"name", "start_urls", "allowed_domains", "search", "links", "fields", "removed_markers", "politeness"}
)
_LINK_KEYS = frozenset({"listing", "pagination", "follow", "listing_url"})
_SEARCH_KEYS = frozenset({"url", "urls", "keywords", "lexicon"})
_LEXICON_KEYS = frozenset({"commodity", "language"})
_POLITENESS_KEYS = frozenset({"download_delay", "concurrency_per_host"})


class ProfileError(WildTraceError):
    """A site profile that cannot be used: names the file, the key and why."""

    def __init__(self, path: str, key: str, reason: str) -> None:
        self.path = path
        self.key = key
        self.reason = reason
        where = f"{path}: {key}" if key else path
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True, slots=True)
class FieldSelector:
    """One CSS or XPath expression, as written in the profile."""

    expression: str
    kind: str  # "css" or "xpath"

    @classmethod
    def parse(cls, raw: str) -> FieldSelector:
        if raw.startswith("xpath:"):
            return cls(raw[len("xpath:") :].strip(), "xpath")
        return cls(raw.removeprefix("css:").strip(), "css")

    def select(self, selector: ParselSelector) -> list[str]:
        """The texts (or attribute values) this expression picks out of a page."""
        nodes = selector.css(self.expression) if self.kind == "css" else selector.xpath(self.expression)
        values: list[str] = []
        for node in nodes:
            root = node.root
            if isinstance(root, str):
                value = root
            else:  # an element: its visible text
                value = " ".join(" ".join(node.xpath(".//text()").getall()).split())
            if value.strip():
                values.append(value.strip())
        return values

    def links(self, selector: ParselSelector) -> list[str]:
        """The link targets this expression picks: href/src of elements, or the strings selected."""
        nodes = selector.css(self.expression) if self.kind == "css" else selector.xpath(self.expression)
        links: list[str] = []
        for node in nodes:
            root = node.root
            if isinstance(root, str):
                links.append(root.strip())
            else:
                href = node.attrib.get("href") or node.attrib.get("src")
                if href:
                    links.append(href.strip())
        return [link for link in links if link]


@dataclass(frozen=True, slots=True)
class SiteProfile:
    """What the crawler needs to know about one site; see docs/crawling.md for the format."""

    source: str
    name: str
    start_urls: tuple[str, ...] = ()
    allowed_domains: tuple[str, ...] = ()
    search_templates: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    listing_links: tuple[FieldSelector, ...] = ()
    pagination_links: tuple[FieldSelector, ...] = ()
    follow_links: tuple[FieldSelector, ...] = ()
    listing_url: re.Pattern[str] | None = None
    fields: dict[str, FieldSelector] = field(default_factory=dict)
    removed_markers: tuple[str, ...] = DEFAULT_REMOVED_MARKERS
    download_delay: float | None = None
    concurrency_per_host: int | None = None

    def search_urls(self) -> list[str]:
        """Every search template filled with every keyword (URL-encoded)."""
        return [
            template.replace("{keyword}", quote_plus(keyword))
            for template in self.search_templates
            for keyword in self.keywords
        ]

    def is_listing_url(self, url: str) -> bool:
        return self.listing_url is not None and self.listing_url.search(url) is not None


def load_profile(path: Path) -> SiteProfile:
    """Read and check a profile; raise ProfileError naming the file and key on any mistake."""
    name = str(path)
    try:
        raw_text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ProfileError(name, "", "no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(name, "", f"cannot read: {exc}") from exc
    try:
        data = yaml.safe_load(raw_text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ProfileError(name, where, f"not valid YAML: {problem}") from exc
    return profile_from_mapping(data, name)


def profile_from_mapping(data: Any, source: str) -> SiteProfile:
    """A profile from already-parsed YAML (a mapping); ``source`` names it in errors."""
    if not isinstance(data, dict):
        raise ProfileError(source, "", "a profile must be a mapping of keys (name, start_urls, ...)")
    _unknown_keys(source, "", data, _TOP_KEYS)
    name = data.get("name", Path(source).stem)
    if not isinstance(name, str) or not name.strip():
        raise ProfileError(source, "name", "must be a non-empty string")
    start_urls = tuple(
        _url(source, f"start_urls[{i}]", u) for i, u in enumerate(_list(source, "start_urls", data))
    )
    domains = tuple(
        _string(source, f"allowed_domains[{i}]", d).lower()
        for i, d in enumerate(_list(source, "allowed_domains", data))
    )
    templates: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    search = data.get("search")
    if search is not None:
        if not isinstance(search, dict):
            raise ProfileError(source, "search", "must be a mapping (url, keywords, lexicon)")
        _unknown_keys(source, "search.", search, _SEARCH_KEYS)
        raw_templates = ([search["url"]] if "url" in search else []) + _list(
            source, "search.urls", search, "urls"
        )
        templates = tuple(_template(source, "search.url", t) for t in raw_templates)
        keywords = tuple(
            _string(source, f"search.keywords[{i}]", k)
            for i, k in enumerate(_list(source, "search.keywords", search, "keywords"))
        )
        if "lexicon" in search:
            keywords += _lexicon_keywords(source, search["lexicon"])
        keywords = tuple(dict.fromkeys(keywords))
        if templates and not keywords:
            raise ProfileError(source, "search.keywords", "a search URL needs keywords or a lexicon choice")
    links = data.get("links") or {}
    if not isinstance(links, dict):
        raise ProfileError(source, "links", "must be a mapping (listing, pagination, follow, listing_url)")
    _unknown_keys(source, "links.", links, _LINK_KEYS)
    listing_url = None
    if links.get("listing_url") is not None:
        pattern = _string(source, "links.listing_url", links["listing_url"])
        try:
            listing_url = re.compile(pattern)
        except re.error as exc:
            raise ProfileError(source, "links.listing_url", f"not a valid regular expression: {exc}") from exc
    fields = data.get("fields") or {}
    if not isinstance(fields, dict):
        raise ProfileError(source, "fields", f"must be a mapping of {', '.join(FIELD_NAMES)}")
    unknown = sorted(set(fields) - set(FIELD_NAMES))
    if unknown:
        raise ProfileError(source, f"fields.{unknown[0]}", f"unknown field; known: {', '.join(FIELD_NAMES)}")
    markers = data.get("removed_markers")
    removed = DEFAULT_REMOVED_MARKERS
    if markers is not None:
        removed = tuple(
            _string(source, f"removed_markers[{i}]", m).lower()
            for i, m in enumerate(_list(source, "removed_markers", data))
        )
    politeness = data.get("politeness") or {}
    if not isinstance(politeness, dict):
        raise ProfileError(source, "politeness", "must be a mapping (download_delay, concurrency_per_host)")
    _unknown_keys(source, "politeness.", politeness, _POLITENESS_KEYS)
    delay = politeness.get("download_delay")
    if delay is not None and (isinstance(delay, bool) or not isinstance(delay, int | float) or delay < 0):
        raise ProfileError(source, "politeness.download_delay", "must be a number of seconds >= 0")
    concurrency = politeness.get("concurrency_per_host")
    if concurrency is not None and (
        isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1
    ):
        raise ProfileError(source, "politeness.concurrency_per_host", "must be a whole number >= 1")
    profile = SiteProfile(
        source=source,
        name=name.strip(),
        start_urls=start_urls,
        allowed_domains=domains,
        search_templates=templates,
        keywords=keywords,
        listing_links=_selectors(source, "links.listing", links),
        pagination_links=_selectors(source, "links.pagination", links),
        follow_links=_selectors(source, "links.follow", links),
        listing_url=listing_url,
        fields={key: _selector(source, f"fields.{key}", value) for key, value in fields.items()},
        removed_markers=removed,
        download_delay=float(delay) if delay is not None else None,
        concurrency_per_host=concurrency,
    )
    if not profile.start_urls and not profile.search_templates:
        raise ProfileError(source, "start_urls", "a profile needs start_urls or a search url to begin from")
    return profile


def _unknown_keys(source: str, prefix: str, data: dict[Any, Any], known: frozenset[str]) -> None:
    for key in data:
        if key not in known:
            raise ProfileError(source, f"{prefix}{key}", f"unknown key; known: {', '.join(sorted(known))}")


def _list(source: str, key: str, data: dict[str, Any], name: str | None = None) -> list[Any]:
    value = data.get(name or key.rsplit(".", 1)[-1])
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise ProfileError(source, key, "must be a list (or a single string)")
    return value


def _string(source: str, key: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ProfileError(source, key, "must be a string")
    text = str(value).strip()
    if not text:
        raise ProfileError(source, key, "must not be empty")
    return text


def _url(source: str, key: str, value: Any) -> str:
    text = _string(source, key, value)
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ProfileError(source, key, f"{text!r} is not an http(s) URL")
    return text


def _template(source: str, key: str, value: Any) -> str:
    text = _url(source, key, _string(source, key, value).replace("{keyword}", "k"))
    raw = _string(source, key, value)
    if "{keyword}" not in raw:
        raise ProfileError(source, key, f"{text!r} has no {{keyword}} placeholder")
    return raw


def _lexicon_keywords(source: str, choice: Any) -> tuple[str, ...]:
    from wildtrace.detect import default_lexicon

    if not isinstance(choice, dict):
        raise ProfileError(source, "search.lexicon", "must be a mapping (commodity, language)")
    _unknown_keys(source, "search.lexicon.", choice, _LEXICON_KEYS)
    commodity = choice.get("commodity")
    language = choice.get("language")
    terms = [
        term
        for term in default_lexicon().terms
        if term.kind in ("product", "species")
        and (commodity is None or term.commodity == commodity)
        and (language is None or term.language == language)
    ]
    if not terms:
        raise ProfileError(
            source,
            "search.lexicon",
            f"the lexicon has no terms for commodity={commodity!r}, language={language!r}",
        )
    return tuple(term.term for term in terms)


def _selectors(source: str, key: str, links: dict[str, Any]) -> tuple[FieldSelector, ...]:
    return tuple(_selector(source, f"{key}[{i}]", raw) for i, raw in enumerate(_list(source, key, links)))


def _selector(source: str, key: str, raw: Any) -> FieldSelector:
    selector = FieldSelector.parse(_string(source, key, raw))
    probe = ParselSelector(text="<html><body></body></html>")
    try:
        if selector.kind == "css":
            HTMLTranslator().css_to_xpath(selector.expression)
        else:
            probe.xpath(selector.expression)
    except Exception as exc:  # cssselect and lxml raise many kinds on a bad expression
        kind = "CSS selector" if selector.kind == "css" else "XPath expression"
        raise ProfileError(source, key, f"not a valid {kind} {selector.expression!r}: {exc}") from exc
    return selector
