"""The zero-shot detector on the failure families of real data (issue 12): posts that
discuss the trade, skins and specimens of named species, depictions and imitations, and
legality claims that must never lower the score."""

from __future__ import annotations

import numpy as np
import pytest

from wildtrace.detect import LEXICON_ONLY, default_model, detect
from wildtrace.detect.learned import N_FEATURES, LearnedModel, feature_bucket
from wildtrace.detect.legality import LEGALITY_CUES, claim_features, never_discount
from wildtrace.detect.lexicon import default_lexicon
from wildtrace.detect.score import DISCUSSION_CUE, priced
from wildtrace.model import Listing


def _listing(text: str, **fields: str) -> Listing:
    return Listing(id="Z1", text=text, **fields)


# -- discussion, not an offer ------------------------------------------------------------

DISCUSSIONS = [
    ("en", "Customs officers seized 2 tonnes of ivory at the port this morning"),
    ("en", "Police arrested two smugglers carrying rhino horn at the border"),
    ("vi", "Hải quan bắt giữ 2 tấn ngà voi tại cảng"),
    ("zh", "海关查获象牙两吨"),
    ("fr", "Saisie record d'ivoire par les douaniers"),
    ("es", "Decomiso de marfil en la aduana"),
    ("id", "Polisi menangkap pelaku penyelundupan sisik trenggiling"),
]


@pytest.mark.parametrize(("language", "text"), DISCUSSIONS)
def test_a_post_about_the_trade_is_discussion_not_an_offer(language: str, text: str) -> None:
    detection = detect(_listing(text), language)
    assert DISCUSSION_CUE in detection.legality_cues
    assert detection.commodities  # the commodity is still named, for the reviewer
    assert detection.flagged is False


def test_an_offer_signal_makes_it_an_offer_again() -> None:
    news = detect(_listing("Seized ivory bangles"), "en", model=LEXICON_ONLY)
    offer = detect(_listing("Seized ivory bangles, DM for price"), "en", model=LEXICON_ONLY)
    priced_offer = detect(_listing("Seized ivory bangles $450"), "en", model=LEXICON_ONLY)
    assert DISCUSSION_CUE in news.legality_cues
    assert DISCUSSION_CUE not in offer.legality_cues
    assert DISCUSSION_CUE not in priced_offer.legality_cues
    assert news.score < offer.score and news.score < priced_offer.score


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ivory bangle $450", True), ("gading Rp 350.000", True), ("ngà voi 1.200.000đ", True),
        ("象牙 3800元", True), ("tusk 50k", True), ("ivory bangle, size 42", False),
        ("ivory from 1920", False), ("no price here", False),
    ],
)  # fmt: skip
def test_priced_reads_a_price_written_in_the_text(text: str, expected: bool) -> None:
    assert priced(_listing(text)) is expected
    assert priced(Listing(id="Z2", text="no price here", price="450")) is True


# -- skins, specimens, shells and insects of named species ------------------------------

OFFERS = [
    ("Genuine python skin watch strap 22mm", "reptile_skin", "Pythonidae"),
    ("Real crocodile leather belt, handmade", "reptile_skin", "Crocodylia"),
    ("Alligator skin wallet, excellent condition", "reptile_skin", "Alligator mississippiensis"),
    ("Taxidermy fox full body mount", "animal_part", None),
    ("Leopard skin rug", "animal_part", "Felidae"),
    ("Red coral branch, natural, 120 g", "shell_coral", "Corallium"),
    ("Giant clam shell 40cm", "shell_coral", "Tridacnidae"),
    ("Birdwing butterfly pair, unmounted A1", "insect", "Ornithoptera"),
]


@pytest.mark.parametrize(("text", "commodity", "taxon"), OFFERS)
def test_skins_and_specimens_of_named_species_are_flagged(
    text: str, commodity: str, taxon: str | None
) -> None:
    detection = detect(Listing(id="Z3", title=text), "en")
    assert detection.flagged is True, detection
    assert commodity in detection.commodities
    if taxon:
        assert taxon in {t.name for t in detection.taxa}
    # commodities and taxa trace to named matches
    assert set(detection.commodities) <= {m.commodity for m in detection.matches if m.commodity}


LOOKALIKES = [
    "Tanzania 1991 MNH stamp Nile crocodile",
    "Croc-embossed faux leather handbag",
    "Snake print midi dress",
    "Python programming book, 3rd edition",
    "Crocs clogs size 9",
    "Coral pink summer dress",
    "Teddy bear 30cm plush",
    "Leopard print faux fur coat",
    "CollectA African elephant model",
]


@pytest.mark.parametrize("text", LOOKALIKES)
def test_depictions_imitations_colours_and_brands_are_not_flagged(text: str) -> None:
    assert detect(Listing(id="Z4", title=text), "en").flagged is False


def test_a_part_word_next_to_a_species_raises_the_lexicon_score() -> None:
    bare = detect(Listing(id="Z5", title="python"), "en", model=LEXICON_ONLY).score
    skin = detect(Listing(id="Z5", title="python skin"), "en", model=LEXICON_ONLY).score
    assert skin > bare


# -- legality claims are cues, never a discount -----------------------------------------

CLAIMS = ["antique", "pre-ban", "with CITES certificate", "certified", "collectible", "curiosity"]


@pytest.mark.parametrize("claim", CLAIMS)
def test_a_legality_claim_is_shown_and_never_lowers_the_lexicon_score(claim: str) -> None:
    plain = detect(_listing("ivory bangle for sale"), "en", model=LEXICON_ONLY)
    claimed = detect(_listing(f"{claim} ivory bangle for sale"), "en", model=LEXICON_ONLY)
    assert set(claimed.legality_cues) & LEGALITY_CUES
    assert claimed.score >= plain.score


def test_mammoth_is_a_cue_and_the_offer_stays_flagged() -> None:
    detection = detect(_listing("mammoth ivory carving for sale, certified"), "en")
    assert "mammoth ivory" in detection.legality_cues
    assert detection.flagged is True


def test_the_packaged_model_has_no_negative_weight_on_a_legality_claim() -> None:
    model = default_model()
    assert isinstance(model, LearnedModel)
    index = [feature_bucket(name) for name in claim_features(default_lexicon())]
    assert index and float(model.weights[index].min()) >= 0.0
    assert model.meta.get("legality_claims") == "never discount"


def test_never_discount_clamps_only_the_claims() -> None:
    weights = np.full(N_FEATURES, -1.0, dtype=np.float32)
    model = LearnedModel(weights, 0.0, -1.0, 0.0, {"feature_version": 4})
    clamped = never_discount(model)
    claims = sorted({feature_bucket(name) for name in claim_features(default_lexicon())})
    assert {"L:t=antique", "L:t=pre-ban", "L:cue=mammoth ivory|k=cue", "W:antique"} <= set(
        claim_features(default_lexicon())
    )
    assert (clamped.weights[claims] == 0.0).all()
    assert int((clamped.weights == -1.0).sum()) == N_FEATURES - len(claims)
    assert (model.weights == -1.0).all()  # the input model is left as it was


# -- hashtags: words run together ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "term", "surface"),
    [
        ("#rhinohorn available, inbox", "rhino horn", "rhinohorn"),
        ("carving #MammothIvoryCarving for sale", "mammoth ivory", "MammothIvory"),
        ("1kg #pangolin-scales #pangolinscales", "pangolin scales", "pangolinscales"),
        ("Ｎｅｗ #ＲｈｉｎｏＨｏｒｎ", "rhino horn", "ＲｈｉｎｏＨｏｒｎ"),
    ],
)
def test_a_hashtag_is_split_into_the_terms_it_runs_together(text: str, term: str, surface: str) -> None:
    detection = detect(_listing(text), "en")
    spans = {(m.term, text[m.start : m.end]) for m in detection.matches}
    assert (term, surface) in spans  # offsets point into the original text


def test_words_run_together_outside_a_hashtag_are_not_split() -> None:
    detection = detect(_listing("rhinohorn"), "en", model=LEXICON_ONLY)
    assert "rhino horn" not in {m.term for m in detection.matches}
