"""A listing page (HTML) -> Listing, with selectolax.

Each field is taken from the first source that has it: JSON-LD, then microdata, then
OpenGraph / ``<meta>``, then the page itself (``<h1>`` or ``<title>`` for the title, the
largest block of text under ``<main>``/``<article>``/``<body>`` for the text). Which source
gave which field is kept in ``Listing.extra["fields_from"]``. Site-specific profiles come later;
this is the generic reader. Broken HTML never raises.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from wildtrace.model import Listing
from wildtrace.parse.charset import decode_html
from wildtrace.parse.record import (
    CLEANED_KEY,
    TEXT_BEARING,
    clean_text,
    content_id,
    platform_from_url,
    text_value,
    unstorable_count,
    url_id,
)

Fields = dict[str, Any]
#: ``Listing.extra`` key, set when a page without structured data shows several different
#: hinted prices (a list of offers, or an item with related items): how many were seen. A page
#: with exactly one is a listing (``parse.page.page_kind``).
PRICE_HINTS_KEY = "price_hints"

#: schema.org types that describe the thing on offer.
_ITEM_TYPES = frozenset({"product", "individualproduct", "productmodel", "someproducts", "vehicle", "car"})
_OFFER_TYPES = frozenset({"offer", "aggregateoffer"})
#: Elements whose text is not the listing's text.
_SKIPPED_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "nav",
        "header",
        "footer",
        "aside",
        "svg",
        "iframe",
        "head",
        "title",
        "select",
        "button",
    }
)
#: Elements that start a new line of text.
_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "tr",
        "td",
        "th",
        "table",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "main",
        "blockquote",
        "pre",
        "hr",
        "form",
        "address",
        "figure",
        "figcaption",
        "fieldset",
        "legend",
        "details",
        "summary",
        "body",
    }
)
#: Deepest element nesting kept; deeper start tags (and their end tags) are dropped before
#: parsing, their text kept. Browsers cap it too (Blink at 512): the HTML parser's cost
#: grows with depth times elements, so 100,000 unclosed <div> took minutes.
MAX_NESTING = 1024
#: A JSON-LD block longer than this is not parsed (memory is many times the text).
MAX_JSON_LD_CHARS = 4 * 1024 * 1024
#: How many elements of one microdata property are looked at.
MAX_PROP_VALUES = 50
#: Elements without an end tag, or whose end tag may be left out: they do not nest.
_NOT_NESTING = frozenset(
    str.split(
        "area base br col embed hr img input link meta param source track wbr keygen "
        "p li dt dd option optgroup tr td th thead tbody tfoot rb rt rp rtc colgroup caption "
        "html head body"
    )
)
#: HTML elements that "/>" does not close (the parser ignores the slash).
_HTML_CONTAINERS = frozenset(
    str.split(
        "a abbr address article aside audio b bdi bdo blockquote button canvas center cite code data "
        "datalist del details dfn dialog div dl em fieldset figcaption figure font footer form h1 h2 h3 "
        "h4 h5 h6 header hgroup i ins kbd label legend main map mark menu meter nav noscript object ol "
        "output picture pre progress q s samp section select small span strong sub summary sup table "
        "template time u ul var video big nobr marquee"
    )
)
#: Elements whose content is text, not markup (a "<div>" inside a script is not a tag).
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"})
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*>|<!--")
_TAG_NAMES = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)")
_NOT_NESTING_ANY_CASE = frozenset(v for n in _NOT_NESTING for v in (n, n.upper(), n.capitalize()))
_SPACES = re.compile(r"[^\S\n]+")
_NUL_ESCAPE = re.compile(r"(?<!\\)\\u0000")
_NEWLINES = re.compile(r"\s*\n\s*")


def parse_listing_html(
    html: str | bytes,
    url: str | None = None,
    *,
    listing_id: str | None = None,
    charset_hint: str | None = None,
) -> Listing:
    """Read one listing page. ``url`` is where it was served from (captures) if known.

    Bytes are decoded with :func:`decode_html` (which may raise CharsetError). The id is
    ``listing_id`` if given, else derived from the URL (the page's own, or its canonical /
    og:url), else from the content.
    """
    text = html if isinstance(html, str) else decode_html(html, charset_hint)
    text, _ = flatten_deep_nesting(text)
    tree = LexborHTMLParser(text)
    sources: list[tuple[str, Fields]] = [
        ("json-ld", _json_ld_fields(tree)),
        ("microdata", _microdata_fields(tree)),
        ("meta", _meta_fields(tree)),
    ]
    page = _page_fields(tree)
    if not all(any(fields.get(name) for _, fields in sources) for name in ("price", "seller")):
        sources.append(("labels", _label_fields(tree, page.get("text") or "", text)))
    sources.append(("page", page))
    price_hints = sources[-2][1].pop(PRICE_HINTS_KEY, 0) if sources[-2][0] == "labels" else 0
    values: Fields = {}
    fields_from: dict[str, str] = {}
    for source, fields in sources:
        for name, value in fields.items():
            if value and name not in values:
                values[name] = value
                fields_from[name] = source
    _prefer_full_text(values, fields_from, sources[-1][1].get("text"))
    declared_url = values.pop("url", None)  # canonical / og:url / JSON-LD url, if absolute
    if not (isinstance(declared_url, str) and declared_url.startswith(("http://", "https://"))):
        declared_url = None
    page_url = url or declared_url
    images = tuple(dict.fromkeys(u for src in values.pop("images", ()) if (u := _image_url(page_url, src))))
    removed = sum(unstorable_count(value) for name, value in values.items() if name != "images")
    removed += _json_ld_nul_escapes(tree)  # cleaned as they were read (text_value)
    values = {name: clean_text(value) for name, value in values.items() if name != "images"}
    if listing_id is None:
        listing_id = url_id(page_url) if page_url else content_id({**values, "images": images})
    extra: dict[str, Any] = {"fields_from": fields_from} if fields_from else {}
    if removed:
        extra[CLEANED_KEY] = removed  # NUL from a JSON-LD escape: taken out, counted
    if price_hints > 1 and fields_from.get("price") == "labels":
        extra[PRICE_HINTS_KEY] = price_hints
    return Listing(
        id=listing_id,
        platform=platform_from_url(page_url),
        url=page_url,
        images=images,
        extra=extra,
        **values,
    )


def flatten_deep_nesting(text: str, max_depth: int = MAX_NESTING) -> tuple[str, int]:
    """The page with start tags nested deeper than ``max_depth`` (and their end tags)
    removed, and how many were removed; the text between them is kept. Linear in the page;
    a page that nests no deeper is returned as it is."""
    if text.count("<") <= 8 * max_depth or _peak_depth(text) <= max_depth:
        return text, 0
    pieces: list[str] = []
    kept_from = 0
    depth = 0
    dropped: dict[str, int] = {}
    removed = 0
    position = 0
    while found := _TAG.search(text, position):
        position = found.end()
        if found.group(0) == "<!--":
            end = text.find("-->", position)
            position = len(text) if end == -1 else end + 3
            continue
        closing, name = found.group(1), found.group(2).lower()
        if name in _NOT_NESTING:
            continue
        if not closing:
            if name in _RAW_TEXT:
                end = _find_end(text, name, position)
                position = len(text) if end == -1 else end
            if found.group(0).endswith("/>") and name not in _HTML_CONTAINERS:
                continue  # <path/> in SVG closes itself; <div/> in HTML does not
            if depth >= max_depth:
                dropped[name] = dropped.get(name, 0) + 1
                removed += 1
                pieces.append(text[kept_from : found.start()])
                kept_from = found.end()
                continue
            depth += 1
        elif dropped.get(name):
            dropped[name] -= 1
            pieces.append(text[kept_from : found.start()])
            kept_from = found.end()
        elif depth:
            depth -= 1
    if not removed:
        return text, 0
    pieces.append(text[kept_from:])
    return "".join(pieces), removed


def _peak_depth(text: str) -> int:
    """An upper bound of how deep a page nests (tags inside scripts count too): cheap, so the
    exact pass runs only on pages that may nest too deep."""
    depth = peak = 0
    for closing, name in _TAG_NAMES.findall(text):
        if name in _NOT_NESTING_ANY_CASE:
            continue
        if closing:
            if depth:
                depth -= 1
        else:
            depth += 1
            if depth > peak:
                peak = depth
    return peak


def _find_end(text: str, name: str, start: int) -> int:
    """Where the end tag of a raw-text element opened before ``start`` begins, or -1."""
    closing = re.compile(rf"</{name}\b", re.IGNORECASE)
    found = closing.search(text, start)
    return found.start() if found else -1


def has_text(listing: Listing) -> bool:
    """Whether a parsed page gave anything to analyse (a title, text or seller_info)."""
    return any(listing.field_text(name) for name in TEXT_BEARING)


# --- JSON-LD -------------------------------------------------------------------------------


def _json_ld_fields(tree: LexborHTMLParser) -> Fields:
    nodes = list(_json_ld_nodes(tree))
    item = next((n for n in nodes if _types(n) & _ITEM_TYPES), None)
    offer_node = next((n for n in nodes if _types(n) & _OFFER_TYPES), None)
    if item is None and offer_node is None:
        return {}
    item = item or {}
    offer = _first_mapping(item.get("offers")) or offer_node or {}
    if item is offer_node:
        offer = item
    if not item:
        item = _first_mapping(offer.get("itemOffered")) or offer
    seller = (
        _first_mapping(offer.get("seller"))
        or _first_mapping(item.get("seller"))
        or _first_mapping(offer.get("offeredBy"))
    )
    seller_name = text_value(offer.get("seller")) if not seller else _ld_text(seller.get("name"))
    place = offer.get("availableAtOrFrom") or offer.get("areaServed") or item.get("areaServed")
    if not place and seller:
        place = seller.get("address")
    return {
        "url": _ld_text(item.get("url")) or _ld_text(offer.get("url")),
        "title": _ld_text(item.get("name")),
        "text": _ld_text(item.get("description")),
        "price": _price(
            _ld_text(offer.get("price") or offer.get("lowPrice")),
            _ld_text(offer.get("priceCurrency")),
        ),
        "seller": seller_name,
        "seller_info": _seller_info(seller) if seller else None,
        "location": _place(place),
        "posted_at": _ld_text(
            item.get("datePosted")
            or offer.get("datePosted")
            or offer.get("validFrom")
            or item.get("datePublished")
            or item.get("dateCreated")
        ),
        "images": _ld_images(item.get("image")),
    }


def _json_ld_nodes(tree: LexborHTMLParser) -> Iterator[Mapping[str, Any]]:
    """Every JSON object in the page's JSON-LD blocks, flattening lists and @graph, in
    document order (a stack: linear in the number of nodes). A block longer than
    MAX_JSON_LD_CHARS is skipped: parsing JSON costs many times its size in memory."""
    for script in tree.css('script[type="application/ld+json" i]'):
        raw = script.text(deep=True) or ""
        if len(raw) > MAX_JSON_LD_CHARS:
            continue
        raw = raw.strip().removeprefix("<!--").removesuffix("-->").strip()
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(reversed(node))
            elif isinstance(node, Mapping):
                yield node
                if isinstance(node.get("@graph"), list):
                    stack.extend(reversed(node["@graph"]))


def _json_ld_nul_escapes(tree: LexborHTMLParser) -> int:
    """How many ``\\u0000`` escapes the page's JSON-LD holds (NUL, which no store can hold)."""
    return sum(
        len(_NUL_ESCAPE.findall(script.text(deep=True) or ""))
        for script in tree.css('script[type="application/ld+json" i]')
    )


def _types(node: Mapping[str, Any]) -> set[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.rsplit("/", 1)[-1].lower() for k in kinds if isinstance(k, str)}


def _first_mapping(value: Any) -> Mapping[str, Any] | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, Mapping)), None)
    return value if isinstance(value, Mapping) else None


def _ld_text(value: Any) -> str | None:
    """A JSON-LD value as text: strings and numbers as they are, {"@value"}/{"name"} unwrapped."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, Mapping):
        value = value.get("@value") or value.get("name")
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return text_value(value)
    return None


def _ld_images(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    images = []
    for item in values:
        if isinstance(item, Mapping):
            item = item.get("contentUrl") or item.get("url")
        if isinstance(item, str) and item.strip():
            images.append(item.strip())
    return images


def _seller_info(seller: Mapping[str, Any]) -> str | None:
    parts = [_ld_text(seller.get(key)) for key in ("description", "telephone", "email", "url")]
    return "\n".join(p for p in parts if p) or None


def _place(value: Any) -> str | None:
    """A Place, PostalAddress, Country or plain string as one line ("Hanoi, VN")."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        return text_value(value)
    if not isinstance(value, Mapping):
        return None
    if "address" in value:
        return _place(value["address"]) or _ld_text(value.get("name"))
    keys = ("streetAddress", "addressLocality", "addressRegion", "addressCountry")
    parts = [_ld_text(value.get(key)) for key in keys]
    return ", ".join(p for p in parts if p) or _ld_text(value.get("name"))


def _price(amount: str | None, currency: str | None) -> str | None:
    if not amount:
        return None
    return f"{amount} {currency}" if currency else amount


# --- microdata ------------------------------------------------------------------------------


def _microdata_fields(tree: LexborHTMLParser) -> Fields:
    scopes = tree.css("[itemscope]")
    if not scopes:
        return {}
    item = next(
        (
            s
            for s in scopes
            if re.search(r"schema\.org/(Product|Offer)\b", s.attrs.get("itemtype") or "", re.IGNORECASE)
        ),
        scopes[0],
    )
    props = _item_props(item)
    offer = next((n for n in props.get("offers", []) if "itemscope" in n.attrs), None)
    offer_props = _item_props(offer) if offer is not None else {}

    def first(name: str) -> str | None:
        for node in props.get(name, []) + offer_props.get(name, []):
            if value := text_value(_prop_value(node)):
                return value
        return None

    seller_node = next(iter(props.get("seller", []) + offer_props.get("seller", [])), None)
    seller = None
    if seller_node is not None:
        if "itemscope" in seller_node.attrs:
            seller_names = _item_props(seller_node).get("name", [])
            seller = text_value(_prop_value(seller_names[0])) if seller_names else None
        seller = seller or text_value(_prop_value(seller_node))
    return {
        "url": first("url"),
        "title": first("name"),
        "text": first("description"),
        "price": _price(first("price") or first("lowPrice"), first("priceCurrency")),
        "seller": seller,
        "images": [v for n in props.get("image", []) if (v := _prop_value(n))],  # at most MAX_PROP_VALUES
        "posted_at": first("datePosted") or first("datePublished"),
    }


def _item_props(scope: LexborNode) -> dict[str, list[LexborNode]]:
    """The itemprop elements that belong to this itemscope (not to an item nested in it),
    in document order: one walk down the scope, not into nested items (linear)."""
    props: dict[str, list[LexborNode]] = {}
    stack = list(reversed(list(scope.iter())))
    while stack:
        node = stack.pop()
        if not node.is_element_node:
            continue
        attrs = node.attrs
        for name in (attrs.get("itemprop") or "").split():
            found = props.setdefault(name, [])
            if len(found) < MAX_PROP_VALUES:
                found.append(node)
        if "itemscope" not in attrs:
            stack.extend(reversed(list(node.iter())))
    return props


def _prop_value(node: LexborNode) -> str:
    attrs = node.attrs
    if attrs.get("content") is not None:
        return attrs.get("content") or ""
    tag = node.tag
    attribute = {
        "a": "href",
        "link": "href",
        "img": "src",
        "meta": "content",
        "time": "datetime",
        "data": "value",
        "meter": "value",
        "source": "src",
    }.get(tag or "")
    if attribute and attrs.get(attribute):
        return attrs.get(attribute) or ""
    return _block_text(node)


# --- OpenGraph and <meta> -------------------------------------------------------------------


def _meta_fields(tree: LexborHTMLParser) -> Fields:
    meta: dict[str, list[str]] = {}
    for node in tree.css("meta[content]"):
        key = node.attrs.get("property") or node.attrs.get("name") or ""
        content = node.attrs.get("content") or ""
        if key and content.strip():
            meta.setdefault(key.strip().lower(), []).append(content.strip())

    def first(*keys: str) -> str | None:
        return next((meta[k][0] for k in keys if k in meta), None)

    canonical = tree.css_first('link[rel="canonical" i]')
    return {
        "url": first("og:url") or (canonical.attrs.get("href") if canonical else None),
        "title": first("og:title", "twitter:title"),
        "text": first("og:description", "description", "twitter:description"),
        "price": _price(
            first("product:price:amount", "og:price:amount"),
            first("product:price:currency", "og:price:currency"),
        ),
        "images": meta.get("og:image", []) or meta.get("og:image:url", []),
    }


# --- hints in plain HTML: class / id / data-* names, labelled lists, tables and lines --------

#: Words in class, id, itemprop and data-* names that mark an element holding the price or
#: the seller (names are split into words: "productPrice", "seller-name", "gia_ban").
_PRICE_NAMES = frozenset(
    str.split("price prices prix precio precios preco gia harga bei cost saleprice offerprice pricing")
)
_SELLER_NAMES = frozenset(
    str.split(
        "seller sellers vendor vendors shop shopname store storename merchant dealer vendeur "
        "boutique vendedor tienda loja penjual toko kedai muuzaji duka sellername soldby nguoiban "
        "cuahang"
    )
)
#: Words that make such an element something else: an old price, a filter, a seller's rating.
_NOT_PRICE = frozenset(
    str.split(
        "old was regular original compare before strike striked list msrp rrp filter filters "
        "range sort min max shipping delivery per unit label title currency symbol"
    )
)
_NOT_SELLER = frozenset(
    str.split(
        "rating ratings review reviews score avatar icon img image photo logo badge follow "
        "followers chat contact message btn button since joined location address phone count "
        "stats response verified info description desc about policy link-list nav menu list items "
        "products other more"
    )
)
#: Labels that name the price or the seller in the languages WildTrace reads (en, zh, vi, th,
#: id, ms, fr, es, pt, sw, ja), compared in lower case without a trailing colon.
_PRICE_LABELS = frozenset(
    {
        "price", "our price", "sale price", "asking price", "cost", "prix", "prix de vente", "tarif",
        "precio", "precio de venta", "preço", "preco", "preço de venda", "valor", "giá", "gia",
        "giá bán", "gia ban", "giá tiền", "harga", "harga jual", "bei", "bei yake", "ราคา", "ราคาขาย",
        "价格", "價格", "售价", "售價", "价钱", "價錢", "单价", "価格", "値段", "販売価格",
        "税込価格", "本体価格",
    }
)  # fmt: skip
_SELLER_LABELS = frozenset(
    {
        "seller", "vendor", "sold by", "shop", "store", "merchant", "dealer", "posted by", "vendeur",
        "vendu par", "boutique", "annonceur", "vendedor", "vendido por", "tienda", "anunciante", "loja",
        "người bán", "nguoi ban", "cửa hàng", "người đăng", "shop bán", "penjual", "toko", "kedai",
        "dijual oleh", "muuzaji", "duka", "anauza", "ผู้ขาย", "ร้านค้า", "ร้าน", "卖家", "賣家", "商家",
        "店铺", "店鋪", "卖方", "賣方", "出品者", "販売者", "ショップ", "店舗", "出品者名", "販売元",
    }
)  # fmt: skip
_LABEL_LINE = re.compile(r"^\s*([^:：\n]{1,30}?)\s*[:：]\s*(\S.{0,150})$")
_NAME_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
#: Elements whose text is not a listing's price or seller (navigation, scripts, buttons ...).
_HINT_SKIPPED = frozenset(
    {"script", "style", "noscript", "template", "nav", "header", "footer", "svg", "iframe", "head",
     "select", "button", "option", "del", "s", "strike", "form", "input", "textarea"}
)  # fmt: skip
#: How many candidate elements of one kind are read, and how many are looked at, before
#: giving up (keeps a page linear).
_MAX_HINTS = 20
_MAX_CANDIDATES = 400
#: Substrings of the names above, for lexbor's selectors (candidates are then split into words).
_HINT_STEMS = str.split(
    "pric prix preci preco gia harga bei cost sell vend shop store merchant dealer boutique "
    "tienda loja penjual toko kedai muuzaji duka nguoiban cuahang soldby"
)
_HINT_ATTRIBUTES = ("class", "id", "itemprop", "data-testid", "data-qa")


@lru_cache(maxsize=256)
def _hint_selector(stems: tuple[str, ...]) -> str:
    """One selector for the elements whose names hold one of ``stems`` (those in the page)."""
    named = [f'[{attribute}*="{stem}" i]' for stem in stems for attribute in _HINT_ATTRIBUTES]
    data = [f"[data-{name}]" for name in ("price", "seller", "shop", "vendor", "store", "merchant")]
    return ", ".join(named + data)


def _label_fields(tree: LexborHTMLParser, page_text: str, source: str) -> Fields:
    """Price and seller from plain HTML: elements named for them (class, id, itemprop,
    data-*), labelled definition lists and table rows, then "Label: value" lines of the
    page's text. Candidates are found by lexbor's selectors and only a few are read, so a
    page costs little more than parsing it."""
    price_nodes: list[LexborNode] = []
    seller_nodes: list[LexborNode] = []
    lowered = source.lower()
    stems = tuple(stem for stem in _HINT_STEMS if stem in lowered)  # a selector per stem costs
    for node in tree.css(_hint_selector(stems))[:_MAX_CANDIDATES]:
        if len(price_nodes) >= _MAX_HINTS and len(seller_nodes) >= _MAX_HINTS:
            break
        if _in_skipped(node):
            continue
        words, data_price = _name_words(node)
        price_named = bool(words & _PRICE_NAMES) and not words & _NOT_PRICE
        if (price_named or data_price is not None) and len(price_nodes) < _MAX_HINTS:
            price_nodes.append(node)
        if words & _SELLER_NAMES and not words & _NOT_SELLER and len(seller_nodes) < _MAX_HINTS:
            seller_nodes.append(node)
    labelled: dict[str, str] = {}
    for cell in tree.css("dt, th, td")[:_MAX_CANDIDATES]:
        if len(labelled) == 2:
            break
        if len(cell.text(deep=True) or "") <= 40:
            _labelled_value(cell, labelled)
    prices = [p for n in price_nodes if (p := _price_text(n))]
    price = next(iter(prices), None) or labelled.get("price")
    seller_nodes.sort(key=lambda node: not _exactly_named(node, _SELLER_NAMES))  # stable
    seller = next((v for n in seller_nodes if (v := _seller_text(n))), None) or labelled.get("seller")
    if price is None or seller is None:
        for line in page_text.splitlines():
            if ":" not in line and "：" not in line:
                continue
            found = _LABEL_LINE.match(line)
            if found is None:
                continue
            kind = _label_kind(found.group(1))
            if kind == "price" and any(c.isdigit() for c in found.group(2)):
                prices.append(found.group(2).strip())
                price = price or prices[-1]
            elif kind == "seller" and seller is None:
                seller = found.group(2).strip()
    hinted = {" ".join(p.split()) for p in (*prices, labelled.get("price") or "") if p}
    return {"price": text_value(price), "seller": text_value(seller), PRICE_HINTS_KEY: len(hinted)}


def _in_skipped(node: LexborNode) -> bool:
    """Whether an element is, or is inside, navigation, a script, a button, an old price ..."""
    current: LexborNode | None = node
    while current is not None and current.is_element_node:
        if (current.tag or "") in _HINT_SKIPPED:
            return True
        current = current.parent
    return False


def _name_words(node: LexborNode) -> tuple[set[str], str | None]:
    """The words of an element's class, id, itemprop and data-* names (and of data-testid-like
    values), and the value of a data-price attribute if it has one."""
    words: set[str] = set()
    data_price = None
    for name, value in node.attrs.items():
        name = name.lower()
        if name in ("class", "id", "itemprop", "name") or name in _DATA_ROLES:
            words.update(word.lower() for word in _NAME_WORDS.findall(value or ""))
        elif name.startswith("data-"):
            keys = {word.lower() for word in _NAME_WORDS.findall(name[5:])}
            if keys & _PRICE_NAMES and not keys & _NOT_PRICE and value and any(c.isdigit() for c in value):
                data_price = value.strip()
            words.update(keys & (_PRICE_NAMES | _SELLER_NAMES))
    return words, data_price


_DATA_ROLES = frozenset({"data-testid", "data-test", "data-qa", "data-role", "data-field", "data-name"})


def _label_kind(label: str) -> str | None:
    key = " ".join(label.strip().rstrip(":：").split()).lower()
    if key in _PRICE_LABELS:
        return "price"
    if key in _SELLER_LABELS:
        return "seller"
    return None


def _unlabelled_lines(node: LexborNode) -> list[str]:
    """The element's lines of text, with a leading "Label:" taken off and label-only lines dropped."""
    lines = []
    for line in _block_text(node).splitlines():
        found = _LABEL_LINE.match(line)
        if found is not None and _label_kind(found.group(1)):
            line = found.group(2)
        elif _label_kind(line):
            continue
        if line.strip():
            lines.append(line.strip())
    return lines


def _price_text(node: LexborNode) -> str | None:
    for line in _unlabelled_lines(node):
        if any(c.isdigit() for c in line) and len(line) <= 60:
            return line
    value = node.attrs.get("data-price") or node.attrs.get("content") or node.attrs.get("value")
    return value.strip() if value and any(c.isdigit() for c in value) else None


#: Elements that hold a page's parts rather than a name: a "shop" element holding one of them
#: with more than one line of text is a wrapper (``<div class="shop-container">``), not a seller.
_WRAPPER_PARTS = "h1, h2, h3, h4, h5, h6, p, div, main, section, article, ul, ol, dl, table"
_MAX_SELLER_CHARS = 100


def _exactly_named(node: LexborNode, names: frozenset[str]) -> bool:
    """Whether a whole class token, the id or the itemprop is one of ``names`` (``class="seller"``,
    not ``class="shop-container"``)."""
    attrs = node.attrs
    tokens = [*(attrs.get("class") or "").split(), attrs.get("id") or "", attrs.get("itemprop") or ""]
    return any(token.lower() in names for token in tokens)


def _seller_text(node: LexborNode) -> str | None:
    """The seller named by a seller-like element, or None when the element is a wrapper of the
    page (its text would be a breadcrumb or the title, and every listing would share it)."""
    if (node.tag or "") in ("main", "section", "article", "body", "html") or node.css_first("h1") is not None:
        return None
    text = " ".join(_block_text(node).split())
    if len(text) > _MAX_SELLER_CHARS:
        return None
    lines = _unlabelled_lines(node)
    if len(lines) > 1 and node.css_first(_WRAPPER_PARTS) is not None:
        return None
    return lines[0] if lines and len(lines[0]) <= _MAX_SELLER_CHARS else None


def _labelled_value(cell: LexborNode, found: dict[str, str]) -> None:
    """A dt or table cell that is a price or seller label: the value in the next dd or cell."""
    kind = _label_kind(_block_text(cell))
    if kind is None or kind in found:
        return
    value = cell.next
    while value is not None and not value.is_element_node:
        value = value.next
    if value is None or value.tag not in ("dd", "td"):
        return
    text = " ".join(_block_text(value).split())
    if text and len(text) <= 150 and (kind != "price" or any(c.isdigit() for c in text)):
        found[kind] = text


# --- the page itself ------------------------------------------------------------------------


def _page_fields(tree: LexborHTMLParser) -> Fields:
    heading = tree.css_first("h1")
    title = _block_text(heading) if heading is not None else ""
    if not title:
        title_node = tree.css_first("title")
        title = title_node.text(deep=True) if title_node is not None else ""
    return {"title": text_value(" ".join(title.split())), "text": text_value(_main_text(tree))}


def _main_text(tree: LexborHTMLParser) -> str:
    """The largest block of text under <main> or <article>, else the text of <body>.

    Only the outermost ones are read: a nested one's text is part of its ancestor's, and
    reading each of many nested ones would cost time quadratic in the page.
    """
    root = tree.body or tree.root
    if root is None:
        return ""
    blocks = [_block_text(node) for node in _outermost(root, frozenset({"main", "article"}))]
    best = max(blocks, key=len, default="")
    return best or _block_text(root)


def _outermost(root: LexborNode, tags: frozenset[str]) -> Iterator[LexborNode]:
    """The elements named ``tags`` under ``root`` that are not inside another of them."""
    stack = list(reversed(list(root.iter())))
    while stack:
        node = stack.pop()
        if not node.is_element_node:
            continue
        if node.tag in tags:
            yield node
        elif node.tag not in _SKIPPED_TAGS:
            stack.extend(reversed(list(node.iter())))


def _block_text(node: LexborNode) -> str:
    """The visible text under a node, one line per block element, whitespace collapsed."""
    parts: list[str] = []
    stack: list[LexborNode | None] = [node]  # None marks the end of a block element
    while stack:
        current = stack.pop()
        if current is None:
            parts.append("\n")
            continue
        if current.is_text_node:
            parts.append(current.text_content or "")
            continue
        tag = current.tag or ""
        if tag in _SKIPPED_TAGS or not (current.is_element_node or current.is_document_node):
            continue
        if tag in _BLOCK_TAGS:
            parts.append("\n")
            stack.append(None)
        stack.extend(reversed(list(current.iter(include_text=True))))
    text = _SPACES.sub(" ", "".join(parts))
    return _NEWLINES.sub("\n", text).strip()


def _prefer_full_text(values: Fields, fields_from: dict[str, str], page_text: Any) -> None:
    """A <meta> description is often the page text cut short: use the page text then."""
    text = values.get("text")
    if fields_from.get("text") != "meta" or not isinstance(page_text, str) or not text:
        return
    snippet = " ".join(text.rstrip(".…").split())
    if len(page_text) > len(text) and snippet and snippet in " ".join(page_text.split()):
        values["text"] = page_text
        fields_from["text"] = "page"


def _image_url(base: str | None, src: str) -> str | None:
    """An image reference as an absolute http(s) URL, or None. A page is hostile input: a
    ``file:`` URL, a bare path (``/etc/passwd`` on a page with no URL), ``data:`` or
    ``javascript:`` must never reach a reader of local files (``collect.photos``)."""
    src = src.strip()
    try:
        url = urljoin(base, src) if base else src
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") and "://" in url else None
