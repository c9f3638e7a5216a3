"""A synthetic, reproducible training and held-out corpus for the learned detector.

Written by the WildTrace team for this purpose (no scraped text): short listings and
social posts in the twelve language tags the lexicon covers, built from phrase slots.
Positives offer a wildlife or timber product; negatives are the hard look-alikes that
fool a keyword list (ivory as a colour or a place, Ivory soap, "ivory tower", faux or
resin ivory, plush and toy animals, Tiger Balm and Tiger beer, rosewood-colour
furniture, plastic piano key tops, shark toys, fossil shark teeth, Shark vacuum
cleaners ...) and thousands of ordinary posts; marketplace titles of reptile skins,
specimens, shells and insects against stamps, figurines, prints, embossed imitations and
brands; and posts in every language that discuss the trade (seizures, arrests,
campaigns, questions) without offering anything.

Every slot list is split by position into a ``train`` half (even items) and a
``heldout`` half (odd items), and the two splits use different sentence templates, so
that the held-out figures measure generalisation to unseen wording rather than recall
of the training sentences. The same seed always gives the same corpus.

The phrases are data, not code: ``data/training/<language>.csv`` (columns ``slot``,
``group``, ``phrase``; a slot is a list of phrases, or, when its rows name a group, a
list per group in the order the groups first appear), and ``shared.csv`` for the prices
and the multilingual templates. They are read once, when a corpus is first generated.
"""

from __future__ import annotations

import csv
import io
import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

SPLITS = ("train", "heldout")


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled synthetic listing."""

    id: str
    title: str
    text: str
    price: str | None
    label: int  # 1 = offers (or asks for) a wildlife/timber product
    commodity: str | None
    language: str
    family: str  # "offer", "demand", a hard-negative family, or "ordinary"
    shape: str  # "social_ivory_en", "shark_ray_market", "multilingual", "animal_product_market",
    # "discussion", "multilingual_specimen"


def _half(items: Sequence[str], split: str) -> list[str]:
    """The train (even positions) or heldout (odd positions) half of a slot list."""
    if len(items) < 2:
        return list(items)
    return list(items[0::2] if split == "train" else items[1::2])


#: Languages of the multilingual shape, in the order they are generated (the order draws
#: from the random stream, so it is part of the corpus); zh-Hant is converted from zh-Hans.
LANGUAGES = ("zh-Hans", "vi", "th", "id", "ms", "fr", "es", "pt", "sw", "ja")


@dataclass(frozen=True)
class Phrases:
    """The slots of one training data file: plain lists, and lists per group."""

    lists: dict[str, list[str]] = field(default_factory=dict)
    groups: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def one(self, slot: str) -> str:
        """A slot that holds a single phrase (the separator of a language)."""
        (value,) = self.lists[slot]
        return value


@cache
def phrases(name: str) -> Phrases:
    """``data/training/<name>.csv``, read once."""
    path = resources.files("wildtrace.detect") / "data" / "training" / f"{name}.csv"
    out = Phrases()
    for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")):
        slot, group, phrase = row["slot"], row["group"], row["phrase"]
        if group:
            out.groups.setdefault(slot, {}).setdefault(group, []).append(phrase)
        else:
            out.lists.setdefault(slot, []).append(phrase)
    return out


def _zh_hant(source: Phrases) -> Phrases:
    """Traditional-Chinese slots, converted from the simplified ones with OpenCC."""
    import opencc

    convert = opencc.OpenCC("s2t").convert
    return Phrases(
        {slot: [convert(item) for item in items] for slot, items in source.lists.items()},
        {
            slot: {group: [convert(item) for item in items] for group, items in groups.items()}
            for slot, groups in source.groups.items()
        },
    )


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _evade(term: str, rng: random.Random) -> str:
    """Write a term the way a trader dodging a keyword filter would."""
    style = rng.randrange(5)
    if style == 0:
        return " ".join(term)
    if style == 1:
        return ".".join(term)
    if style == 2:
        return term.translate(str.maketrans("ioea", "1034"))
    if style == 3:
        return "#" + term.replace(" ", "")
    return term.upper()


@cache
def _languages() -> dict[str, Phrases]:
    languages = {language: phrases(language) for language in LANGUAGES}
    languages["zh-Hant"] = _zh_hant(languages["zh-Hans"])
    return languages


def generate(split: str, seed: int = 7, scale: int = 1) -> list[Example]:
    """The ``train`` or ``heldout`` corpus: three shapes, positives and hard negatives."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}")
    rng = random.Random(f"{seed}:{split}")
    out: list[Example] = []
    en, shared = phrases("en"), phrases("shared")
    en_social_offer_template = en.lists["social_offer_template"]
    en_social_decoy_template = en.lists["social_decoy_template"]
    en_ivory = en.lists["ivory"]
    en_ivory_detail = en.lists["ivory_detail"]
    en_shark_detail = en.lists["shark_detail"]
    en_sale = en.lists["sale"]
    en_ivory_tag = en.lists["ivory_tag"]
    en_demand = en.lists["demand"]
    en_ivory_decoy = en.groups["ivory_decoy"]
    en_decoy_tag = en.lists["decoy_tag"]
    en_ordinary_template = en.lists["ordinary_template"]
    en_ordinary = en.lists["ordinary"]
    prices = shared.lists["price"]
    en_market_template = en.groups["market_template"]
    en_shark = en.lists["shark"]
    en_shark_decoy = en.groups["shark_decoy"]
    en_shark_animal = en.lists["shark_animal"]
    en_lookalike = en.lists["lookalike"]
    multi_template = shared.groups["multi_template"]

    def add(
        title: str,
        text: str,
        price: str | None,
        label: int,
        commodity: str | None,
        language: str,
        family: str,
        shape: str,
    ) -> None:
        out.append(
            Example(f"{split}-{len(out):06d}", title, text, price, label, commodity, language, family, shape)
        )

    def choice(items: Sequence[str]) -> str:
        return rng.choice(_half(items, split))

    # (a) English social posts about ivory: few offers among many colour/place posts
    tpl_pos = _half(en_social_offer_template, split)
    tpl_neg = _half(en_social_decoy_template, split)
    for _ in range(260 * scale):
        item = choice(en_ivory)
        if rng.random() < 0.15 and split == "train":
            item = item.replace("ivory", _evade("ivory", rng), 1)
        said = choice(en_ivory_detail) if rng.random() < 0.7 else choice(en_shark_detail)
        if rng.random() < 0.15:  # a bare marketplace title
            text = f"{item} {choice(en_sale)}"
        elif rng.random() < 0.3:  # a collector's chatty post, not a shop post
            text = rng.choice(tpl_neg).format(item=item, tag=choice(en_ivory_tag), sale=choice(en_sale))
        else:
            text = rng.choice(tpl_pos).format(
                item=item,
                detail=said,
                sale=choice(en_sale),
                tag=choice(en_ivory_tag),
                price=rng.choice(["$450", "$1,200", "£300"]),
            )
        add("", text, None, 1, "ivory", "en", "offer", "social_ivory_en")
    for _ in range(60 * scale):
        text = f"{choice(en_demand)} {choice(en_ivory)}, {choice(en_ivory_detail)}. {choice(en_sale)}"
        add("", text, None, 1, "ivory", "en", "demand", "social_ivory_en")
    for _ in range(1400 * scale):
        family = rng.choice(list(en_ivory_decoy))
        item = choice(en_ivory_decoy[family])
        if rng.random() < 0.15:
            text = f"{item} {choice(en_sale)}"
        elif rng.random() < 0.3:  # shops sell ivory-colour things with the same words
            text = rng.choice(tpl_pos).format(
                item=item,
                detail=choice(en_shark_detail),
                sale=choice(en_sale),
                tag=choice(en_decoy_tag),
                price=rng.choice(["$45", "$120", "£30"]),
            )
        else:
            text = rng.choice(tpl_neg).format(item=item, tag=choice(en_decoy_tag), sale=choice(en_sale))
        add("", text, None, 0, None, "en", family, "social_ivory_en")
    for _ in range(1200 * scale):
        text = rng.choice(_half(en_ordinary_template, split)).format(
            item=choice(en_ordinary), sale=choice(en_sale), tag=choice(en_decoy_tag), price=rng.choice(prices)
        )
        add("", text, None, 0, None, "en", "ordinary", "social_ivory_en")

    # (b) marketplace listings: shark and ray products versus look-alikes
    market = en_market_template
    for _ in range(300 * scale):
        item = choice(en_shark)
        text = rng.choice(market[split]).format(
            item=item, detail=choice(en_shark_detail), sale=choice(en_sale), price=rng.choice(prices)
        )
        commodity = "shark_fin" if " fin" in item else "shark_ray"
        add(item, text, rng.choice(prices) or None, 1, commodity, "en", "offer", "shark_ray_market")
    for _ in range(700 * scale):
        family = rng.choice(list(en_shark_decoy))
        item = choice(en_shark_decoy[family])
        text = rng.choice(market[split]).format(
            item=item, detail=choice(en_shark_detail), sale=choice(en_sale), price=rng.choice(prices)
        )
        add(item, text, rng.choice(prices) or None, 0, None, "en", f"shark_{family}", "shark_ray_market")
    for _ in range(250 * scale):
        item = f"{choice(en_shark_animal)} {choice(en_lookalike)}"
        text = rng.choice(market[split]).format(
            item=item, detail=choice(en_shark_detail), sale=choice(en_sale), price=rng.choice(prices)
        )
        add(item, text, rng.choice(prices) or None, 0, None, "en", "shark_lookalike", "shark_ray_market")
    for _ in range(300 * scale):
        item = choice(en_ordinary)
        text = rng.choice(market[split]).format(
            item=item, detail=choice(en_shark_detail), sale=choice(en_sale), price=rng.choice(prices)
        )
        add(item, text, rng.choice(prices) or None, 0, None, "en", "ordinary", "shark_ray_market")

    # (c) listings in the other languages, with decoys
    for language, slots in _languages().items():
        sep = slots.one("sep")
        products = slots.groups["products"]
        decoys = slots.groups["decoys"]
        sale, detail = slots.lists["sale"], slots.lists["detail"]
        ordinary, demand = slots.lists["ordinary"], slots.lists["demand"]

        def listing(item: str, sale: list[str] = sale, detail: list[str] = detail, sep: str = sep) -> str:
            return rng.choice(multi_template[split]).format(
                sale=choice(sale), item=item, detail=choice(detail), sep=sep, price=rng.choice(prices)
            )

        bare = {commodity: words[0] for commodity, words in slots.groups.get("bare", {}).items()}
        for _ in range(110 * scale):
            commodity = rng.choice(sorted(products))
            if bare and rng.random() < 0.2:
                commodity = rng.choice(sorted(bare))
                text = f"{choice(sale)} {bare[commodity]}"
            else:
                text = listing(choice(products[commodity]))
            if language == "vi" and rng.random() < 0.3:
                text = _strip_accents(text)
            add("", text, None, 1, commodity, language, "offer", "multilingual")
        for _ in range(15 * scale):
            commodity = rng.choice(sorted(products))
            text = f"{choice(demand)} {choice(products[commodity])}{sep}{choice(detail)}"
            add("", text, None, 1, commodity, language, "demand", "multilingual")
        for _ in range(110 * scale):
            family = rng.choice(sorted(decoys))
            text = listing(choice(decoys[family]))
            if language == "vi" and rng.random() < 0.3:
                text = _strip_accents(text)
            add("", text, None, 0, None, language, family, "multilingual")
        for _ in range(140 * scale):
            add("", listing(choice(ordinary)), None, 0, None, language, "ordinary", "multilingual")

    # (d) marketplace titles: skins, specimens, shells and insects versus depictions,
    # imitations, colours and brands (added after the shapes above, which stay as they were)
    specimen, specimen_decoy = en.groups["specimen"], en.groups["specimen_decoy"]
    specimen_detail = en.lists["specimen_detail"]
    specimen_template = en.groups["market_specimen_template"][split]

    market_noise = en.lists["market_noise"]

    def title(item: str) -> str:
        text = rng.choice(specimen_template).format(
            item=item, detail=choice(specimen_detail), sale=choice(en_sale), price=rng.choice(prices)
        )
        # real titles pile brand, size, colour and site words around the item: the same
        # noise on offers and look-alikes, so the model learns it says nothing
        noise = [choice(market_noise) for _ in range(rng.randrange(4))]
        return " ".join([text, *noise]) if rng.random() < 0.5 else " ".join([*noise, text])

    for _ in range(500 * scale):
        commodity = rng.choice(sorted(specimen))
        item = choice(specimen[commodity])
        add(title(item), "", None, 1, commodity, "en", "offer", "animal_product_market")
    for _ in range(600 * scale):
        family = rng.choice(sorted(specimen_decoy))
        add(title(choice(specimen_decoy[family])), "", None, 0, None, "en", family, "animal_product_market")
    # the same animal names as a product of the animal and as a depiction of it, so that
    # the model learns from the part and depiction words rather than from the name
    animals, parts, depictions = en.groups["animal"], en.groups["part"], en.lists["depiction"]
    for _ in range(400 * scale):
        commodity = rng.choice(sorted(animals))
        item = f"{choice(animals[commodity])} {choice(parts[commodity])}"
        add(title(item), "", None, 1, commodity, "en", "offer", "animal_product_market")
        animal = choice(animals[rng.choice(sorted(animals))])
        depicted = title(f"{animal} {choice(depictions)}")
        add(depicted, "", None, 0, None, "en", "depiction", "animal_product_market")
    for _ in range(250 * scale):
        add(title(choice(en_ordinary)), "", None, 0, None, "en", "ordinary", "animal_product_market")

    # (e) posts about the trade that offer nothing: news, seizures, campaigns, questions
    discussed = [*en_ivory, *en_shark, *(item for items in specimen.values() for item in items)]
    for _ in range(300 * scale):
        text = rng.choice(en.groups["discussion_template"][split]).format(item=choice(discussed))
        add("", text, None, 0, None, "en", "discussion", "discussion")
    for language, slots in _languages().items():
        sep, sale, detail = slots.one("sep"), slots.lists["sale"], slots.lists["detail"]
        products = slots.groups["products"]
        for _ in range(30 * scale):
            commodity = rng.choice(sorted(products))
            item = choice(products[commodity])
            text = choice(slots.lists["discussion_template"]).format(item=item)
            add("", text, None, 0, None, language, "discussion", "discussion")
        own = slots.groups.get("specimen", {})
        for _ in range(30 * scale if own else 0):
            commodity = rng.choice(sorted(own))
            text = rng.choice(multi_template[split]).format(
                sale=choice(sale),
                item=choice(own[commodity]),
                detail=choice(detail),
                sep=sep,
                price=rng.choice(prices),
            )
            add("", text, None, 1, commodity, language, "offer", "multilingual_specimen")
    return out
