"""The learned, calibrated scorer that fuses lexicon evidence with the listing's text.

Features (hashed into 2**18 buckets with CRC-32, so no vocabulary has to ship and the
hash never changes between Python or library versions):

- lexicon evidence: each matched term, its kind, its commodity, its field, the cues and
  look-alike families it raises, how many evidence terms there are, whether a price is
  given, and the additive lexicon score of ``score.fuse``;
- discourse (``score.discourse``): an offer signal, a discussion of the trade with no
  offer signal, a species name with a part word;
- word unigrams and bigrams of the folded title and text (first 600 characters);
- character 2- to 4-grams of the folded text in a window around each evidence term
  (this is what reads "ivory" + "wedding dress" or "象牙" + "白" in scripts without
  spaces).

A logistic regression is fitted on these, then Platt-calibrated on out-of-fold
predictions (``CalibratedClassifierCV(method="sigmoid", ensemble=False)``). Only the
non-zero coefficients and the two calibration numbers are exported, to a compressed
``.npz`` that loads in milliseconds without scikit-learn. The model only re-scores
listings that have lexicon evidence: it never adds a commodity or taxon of its own, so
every commodity and taxon in the output traces to a match.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from wildtrace.detect.lexicon import EVIDENCE_KINDS
from wildtrace.detect.matcher import TermHit
from wildtrace.detect.normalize import normalize
from wildtrace.detect.score import discourse
from wildtrace.errors import ModelFileError
from wildtrace.model import Listing

FEATURE_VERSION = 4
N_FEATURES = 1 << 18
_MASK = N_FEATURES - 1
#: Characters of title + text read for word n-grams (plus the windows around evidence).
WORD_SAMPLE = 400
#: Characters either side of an evidence term read for character n-grams.
WINDOW = 40
#: Windows read per field: the first few carry the context; more only cost time.
MAX_WINDOWS = 3
_WORD = re.compile(r"\w+", re.UNICODE)
#: A letter of a script written without spaces between words (Thai, Lao, Tibetan,
#: Myanmar, Khmer, CJK and kana, Yi).
_UNSPACED = re.compile("[\u0e00-\u0fff\u1000-\u109f\u1780-\u17ff\u2e80-\ua4cf\uf900-\ufaff]")
MODEL_FILE = "detector.npz"
#: The largest array a model file may hold once inflated: a full weight vector is 1 MiB
#: (2**18 float32); anything far larger is not a model (and must not fill the memory).
MAX_MODEL_ARRAY_BYTES = 16 * 1024 * 1024


def _bucket(token: str) -> int:
    return _BUCKETS[token]


def feature_bucket(token: str) -> int:
    """The bucket of a lexicon feature (``L:...``) or of a word of the text (``W:word``,
    ``B:word word``): what a step that edits weights by feature name needs."""
    return zlib.crc32(token.encode("utf-8")) & _MASK


#: Distinct tokens remembered per table before it is emptied (a bound on memory for a
#: long scan; a few hundred thousand tokens cover a market's vocabulary).
_MAX_CACHED = 400_000


class _BucketCache(dict[str, int]):
    """token -> bucket, each token's CRC-32 computed once: the same words and bigrams
    recur from listing to listing, and a dict lookup is cheaper than concatenating,
    encoding and hashing. ``prefix`` is the token family ("W:", "B:", "" for whole tokens)."""

    __slots__ = ("prefix",)

    def __init__(self, prefix: str = "") -> None:
        super().__init__()
        self.prefix = prefix

    def __missing__(self, token: str) -> int:
        if len(self) >= _MAX_CACHED:
            self.clear()
        key = zlib.crc32((self.prefix + token).encode("utf-8")) & _MASK
        self[token] = key
        return key


_BUCKETS = _BucketCache()
_BIGRAM = "{} {}"
_WORD_BUCKETS = _BucketCache("W:")
_BIGRAM_BUCKETS = _BucketCache("B:")


FieldHits = Sequence[tuple[str, list[TermHit]]]
#: What the features of one listing are made from: the listing, all its lexicon hits, those
#: left after negation and look-alike phrases, and the log-odds of its lexicon score.
FeatureInput = tuple[Listing, FieldHits, FieldHits, float]


def features(listing: Listing, raw: FieldHits, kept: FieldHits, lexicon_logit: float) -> dict[int, float]:
    """Hashed feature vector of one listing (bucket -> value) from all its lexicon hits
    (``raw``) and those left after negation and look-alike phrases (``kept``)."""
    return features_batch([(listing, raw, kept, lexicon_logit)])[0]


def features_batch(inputs: Sequence[FeatureInput]) -> list[dict[int, float]]:
    """``features`` of many listings: the character n-grams of the whole batch are hashed
    in one vectorised pass (the costliest part when done gram by gram)."""
    lexical = [_lexical_features(*item) for item in inputs]
    # character n-grams only of windows in scripts written without spaces (Chinese, Japanese,
    # Thai ...): in spaced scripts the words and bigrams carry the context, and the n-grams of
    # a long title add up to a weight that says more about its length than its meaning
    grams = char_gram_buckets([[w for w in windows if _UNSPACED.search(w)] for _, windows in lexical])
    return [
        _with_text(item[0], out, windows, buckets)
        for item, (out, windows), buckets in zip(inputs, lexical, grams, strict=True)
    ]


def _lexical_features(
    listing: Listing, raw: FieldHits, kept: FieldHits, lexicon_logit: float
) -> tuple[dict[int, float], list[str]]:
    """The lexicon features of one listing, and the folded windows around its evidence."""
    out: dict[int, float] = {}

    def put(token: str, value: float = 1.0) -> None:
        key = _bucket(token)
        out[key] = out.get(key, 0.0) + value

    evidence = 0
    windows: list[str] = []
    # a look-alike counts against the evidence of its own commodity only: "Tiger Balm"
    # does not excuse pangolin scales (the same rule as score.fuse)
    named = {hit.term.commodity for _, hits in kept for hit in hits if hit.term.kind in EVIDENCE_KINDS}
    for (field, hits), (_, survivors) in zip(raw, kept, strict=True):
        if not hits:
            continue
        original = listing.field_text(field)
        folded = normalize(original).folded
        alive = set(survivors)
        spans: list[tuple[int, int]] = []
        for hit in hits:
            term = hit.term
            if term.kind in EVIDENCE_KINDS:
                spans.append((max(0, hit.start - WINDOW), hit.end + WINDOW))
                if hit not in alive:  # inside "ivory coast", or negated
                    put(f"L:gone|t={term.term.casefold()}")
                    continue
                if term.kind == "product" and _everyday_near(folded, hit.start, hit.end):
                    put(f"L:everyday_noun|c={term.commodity}")  # "ivory scarf", "dress in ivory"
                surface = original[hit.start : hit.end]
                if surface[:1].isupper() and hit.start > 2 and original[hit.start - 2] not in ".!?\n":
                    put("L:capitalised_midsentence")  # "Ivory Hill", "the Ivory Room"
            elif hit not in alive:
                continue
            elif term.kind == "negative" and term.commodity and term.commodity not in named:
                put("L:negative_of_another_commodity")
                continue
            put(f"L:k={term.kind}")
            put(f"L:k={term.kind}|f={field}")
            put(f"L:t={term.term.casefold()}")
            if term.commodity:
                put(f"L:c={term.commodity}|k={term.kind}")
            if term.cue:
                put(f"L:cue={term.cue}|k={term.kind}")
            if term.kind in EVIDENCE_KINDS:
                evidence += 1
        windows.extend(folded[start:end] for start, end in _merge(spans)[:MAX_WINDOWS])
    put(f"L:evidence={min(evidence, 4)}")
    for name in discourse(listing, kept):  # offer, discussion_only, part_of_species
        put(f"L:discourse={name}")
    put("L:price", 1.0 if listing.price else 0.0)
    put("L:lexicon_logit", lexicon_logit / 5.0)
    put("L:bias_evidence")
    return out, windows


def _with_text(
    listing: Listing, out: dict[int, float], windows: list[str], grams: list[int]
) -> dict[int, float]:
    """``out`` plus the text n-grams: words and bigrams of the listing's start and of the
    windows, and the windows' character n-grams (``grams``, from ``char_gram_buckets``),
    l2-normalised as a block so long texts do not shout."""
    text_tokens: dict[int, float] = {}
    # the start of the listing, and the words around the evidence wherever it stands (a
    # seller cannot push the offer out of view by padding the text)
    sample = " ".join(filter(None, (listing.title, listing.text)))[:WORD_SAMPLE]
    word_buckets, bigram_buckets = _WORD_BUCKETS, _BIGRAM_BUCKETS
    for chunk in (normalize(sample).folded, *windows):
        words = _WORD.findall(chunk)
        # each bucket is set to 1.0 (the order of the keys only changes the order in which
        # ``probability`` adds them, as the set of n-grams always did)
        text_tokens.update(dict.fromkeys(map(word_buckets.__getitem__, words), 1.0))
        bigrams = map(_BIGRAM.format, words, words[1:])
        text_tokens.update(dict.fromkeys(map(bigram_buckets.__getitem__, bigrams), 1.0))
    text_tokens.update(dict.fromkeys(grams, 1.0))
    if text_tokens:
        scale = 1.0 / math.sqrt(len(text_tokens))
        # every text value is 1.0, so each adds ``scale``: added in one update, summed
        # first with the lexicon features that share a bucket
        scaled = dict.fromkeys(text_tokens, scale)
        for key in scaled.keys() & out.keys():
            scaled[key] = out[key] + scale
        out.update(scaled)
    return out


#: Character n-gram sizes read in the windows around evidence.
GRAM_SIZES = (2, 3, 4)
_GRAM_PREFIX = b"C:"


def _crc_table() -> np.ndarray[Any, np.dtype[np.uint32]]:
    """The byte table of CRC-32 (the reflected polynomial 0xEDB88320 that zlib uses)."""
    table = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        table = np.where(table & 1, (table >> 1) ^ np.uint32(0xEDB88320), table >> 1).astype(np.uint32)
    return table


_CRC = _crc_table()
#: The CRC register after the prefix "C:" (zlib inverts the register before and after).
_CRC_AFTER_PREFIX = np.uint32(zlib.crc32(_GRAM_PREFIX) ^ 0xFFFFFFFF)


def char_gram_buckets(windows_per_listing: Sequence[Sequence[str]]) -> list[list[int]]:
    """For each listing, the bucket of every character 2-, 3- and 4-gram inside each of its
    windows (a gram that repeats gives its bucket again): the buckets that
    ``zlib.crc32(("C:" + gram).encode("utf-8")) & _MASK`` gives, computed for every gram
    of the whole batch at once with numpy (a few dozen array operations per batch instead
    of a Python call per gram). A gram of n characters continues the CRC of its first
    n - 1 characters by the UTF-8 bytes of its last one, so each size costs one step."""
    windows = [window for group in windows_per_listing for window in group]
    text = "".join(windows)
    size = len(text)
    out: list[list[int]] = [[] for _ in windows_per_listing]
    if size < min(GRAM_SIZES):
        return out
    pad = max(GRAM_SIZES)
    # the UTF-8 bytes of every character, one row per byte position, and how many it has;
    # padded with characters of no bytes, so that a gram running past the end reads nothing
    count: np.ndarray[Any, np.dtype[np.uint8]] | None = None
    if text.isascii():
        utf8 = np.zeros((1, size + pad), dtype=np.uint32)
        utf8[0, :size] = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    else:
        points = np.zeros(size + pad, dtype=np.uint32)
        points[:size] = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        count = (points >= 0x80).astype(np.uint8) + (points >= 0x800) + (points >= 0x10000) + 1
        count[size:] = 0
        tail = count.astype(np.int32) - 1  # continuation bytes after the lead byte
        utf8 = np.empty((int(count.max()), size + pad), dtype=np.uint32)
        lead = np.choose(count, [0, 0, 0xC0, 0xE0, 0xF0]).astype(np.uint32)
        utf8[0] = np.where(tail > 0, lead | (points >> (6 * np.maximum(tail, 0))), points)
        for j in range(1, utf8.shape[0]):  # continuation byte j: 0x80 | the next 6 bits
            utf8[j] = 0x80 | ((points >> (6 * np.maximum(tail - j, 0))) & 0x3F)
    # the end of each character's window (a gram must not run into the next window) and
    # the listing it belongs to
    lengths = np.fromiter(map(len, windows), dtype=np.intp, count=len(windows))
    limit = np.repeat(np.cumsum(lengths), lengths)
    per_listing = np.fromiter((len(group) for group in windows_per_listing), dtype=np.intp)
    owner = np.repeat(np.repeat(np.arange(len(windows_per_listing), dtype=np.int64), per_listing), lengths)
    position = np.arange(size)
    register = np.full(size, _CRC_AFTER_PREFIX, dtype=np.uint32)
    found = []  # per gram size: the buckets of its complete grams, and their listings
    for offset in range(pad):
        for j in range(utf8.shape[0]):
            step = _CRC[(register ^ utf8[j, offset : offset + size]) & 0xFF] ^ (register >> 8)
            register = step if count is None else np.where(count[offset : offset + size] > j, step, register)
        if offset + 1 in GRAM_SIZES:
            complete = position + offset + 1 <= limit
            bucket = (register[complete] ^ np.uint32(0xFFFFFFFF)) & np.uint32(_MASK)
            found.append((bucket.tolist(), owner[complete]))
    # split each size's buckets by listing (they are in text order, so by listing too);
    # repeats are left to the caller's dict, which drops them faster than a sort would
    listings = np.arange(len(windows_per_listing) + 1)
    for buckets, owners in found:
        bounds = np.searchsorted(owners, listings).tolist()
        for index in range(len(windows_per_listing)):
            out[index] += buckets[bounds[index] : bounds[index + 1]]
    return out


@cache
def everyday_nouns() -> frozenset[str]:
    """Everyday nouns that a colour word qualifies ("scarf", "tiles", "váy"): next to a
    product term they suggest the colour, not the material (data/everyday_nouns.csv)."""
    import csv

    path = resources.files("wildtrace.detect") / "data" / "everyday_nouns.csv"
    rows = csv.DictReader(path.read_text(encoding="utf-8").splitlines())
    return frozenset(row["term"].strip().casefold() for row in rows)


def _everyday_near(folded: str, start: int, end: int) -> bool:
    """An everyday noun within three words after, or two words before, a term."""
    nouns = everyday_nouns()
    after = _WORD.findall(folded[end : end + 40])[:3]
    before = _WORD.findall(folded[max(0, start - 30) : start])[-2:]
    return any(word in nouns for word in after + before)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping windows merged, so that nested terms do not count their n-grams twice."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@dataclass(frozen=True)
class LearnedModel:
    """Exported coefficients: dense weight vector, intercept and Platt calibration."""

    weights: np.ndarray[Any, np.dtype[np.float32]]
    intercept: float
    platt_a: float
    platt_b: float
    meta: dict[str, Any]
    #: SHA-256 of the bytes the model was read from ("" for a model just fitted): part of
    #: the analyzer version, so that stored analyses go stale when the model changes.
    digest: str = ""

    def probability(self, vector: dict[int, float]) -> float:
        """Calibrated probability that the listing offers (or asks for) a product."""
        decision = self.intercept
        if vector:
            index = np.fromiter(vector.keys(), dtype=np.intp, count=len(vector))
            values = np.fromiter(vector.values(), dtype=np.float64, count=len(vector))
            products = self.weights[index].astype(np.float64) * values
            # the correctly rounded sum, whatever the order of the vector's keys (the order
            # of a set of n-grams once changed from process to process, and with it the
            # last bits of a running sum)
            decision += math.fsum(products.tolist())
        logit = -(self.platt_a * float(decision) + self.platt_b)
        if logit < -30:
            return 0.0
        return 1.0 / (1.0 + math.exp(-logit))

    def to_bytes(self) -> bytes:
        """The model as the ``.npz`` that ``load`` reads (the caller writes it to a file)."""
        nonzero = np.flatnonzero(self.weights).astype(np.int32)
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            index=nonzero,
            value=self.weights[nonzero].astype(np.float32),
            scalars=np.array([self.intercept, self.platt_a, self.platt_b], dtype=np.float64),
            meta=np.array(json.dumps(self.meta, sort_keys=True)),
        )
        return buffer.getvalue()

    @classmethod
    def load(cls, path: Path) -> LearnedModel:
        """The model in the file ``path``; see ``from_bytes``."""
        try:
            if path.stat().st_size > MAX_MODEL_ARRAY_BYTES:
                raise ModelFileError(str(path), "not a detector model: the file is far too large")
            data = path.read_bytes()
        except OSError as exc:
            raise ModelFileError(str(path), f"cannot read: {exc.strerror or exc}") from exc
        return cls.from_bytes(data, str(path))

    @classmethod
    def from_bytes(cls, data: bytes, shown: str) -> LearnedModel:
        """The model in ``data`` (a file's bytes, or a model stored in the database), named
        ``shown`` in errors; bytes that are not a model (not an ``.npz`` of ``to_bytes``,
        damaged, made for other features) raise ``ModelFileError``."""
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as archive:
                if not isinstance(archive, np.lib.npyio.NpzFile):
                    raise ModelFileError(shown, "not a detector model: not an .npz archive")
                members = archive.zip.infolist() if archive.zip is not None else []
                if any(member.file_size > MAX_MODEL_ARRAY_BYTES for member in members):
                    raise ModelFileError(shown, "not a detector model: an array is far too large")
                missing = sorted({"index", "value", "scalars", "meta"} - set(archive.files))
                if missing:
                    raise ModelFileError(shown, f"not a detector model: no {', '.join(missing)} array")
                meta = json.loads(str(archive["meta"]))
                if not isinstance(meta, dict):
                    raise ModelFileError(shown, "not a detector model: its meta is not an object")
                if meta.get("feature_version") != FEATURE_VERSION or meta.get("n_features") != N_FEATURES:
                    raise ModelFileError(
                        shown,
                        f"made for other features (version {meta.get('feature_version')!r}, this "
                        f"WildTrace reads version {FEATURE_VERSION}); train it again with `wildtrace train`",
                    )
                index, value = np.asarray(archive["index"]), np.asarray(archive["value"])
                scalars = np.asarray(archive["scalars"], dtype=np.float64)
            if index.ndim != 1 or index.shape != value.shape or not np.issubdtype(index.dtype, np.integer):
                raise ModelFileError(shown, "damaged: its index and value arrays do not match")
            if index.size and (int(index.min()) < 0 or int(index.max()) >= N_FEATURES):
                raise ModelFileError(shown, f"damaged: feature index outside 0..{N_FEATURES - 1}")
            if scalars.shape != (3,) or not np.isfinite(scalars).all() or not np.isfinite(value).all():
                raise ModelFileError(shown, "damaged: intercept or calibration missing or not finite")
        except ModelFileError:
            raise
        except OSError as exc:
            raise ModelFileError(shown, f"cannot read: {exc.strerror or exc}") from exc
        except Exception as exc:
            # BadZipFile, zlib.error, EOFError, ValueError, SyntaxError and tokenize.TokenError
            # (a damaged array header) were all seen by fuzzing; numpy's words ("pickled data",
            # "bad CRC", "load it unsafely") mislead here: to the user they all mean that this
            # file is not a model WildTrace can read
            raise ModelFileError(
                shown, f"not a detector model made by `wildtrace train` ({type(exc).__name__})"
            ) from exc
        weights = np.zeros(N_FEATURES, dtype=np.float32)
        weights[index] = value
        intercept, platt_a, platt_b = (float(x) for x in scalars)
        return cls(weights, intercept, platt_a, platt_b, meta, hashlib.sha256(data).hexdigest())


def matrix(vectors: Iterable[dict[int, float]]) -> Any:
    """Stack feature dicts into a scipy CSR matrix for training."""
    from scipy.sparse import csr_matrix

    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for vector in vectors:
        indices.extend(vector)
        data.extend(vector.values())
        indptr.append(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(indptr) - 1, N_FEATURES), dtype=np.float64)


def fit(
    vectors: Sequence[dict[int, float]],
    labels: Sequence[int],
    c: float = 4.0,
    meta: dict[str, Any] | None = None,
) -> LearnedModel:
    """Fit the logistic model and its Platt calibration (out-of-fold, then refit on all)."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    x = matrix(vectors)
    y = np.asarray(labels, dtype=np.int64)
    folds = max(2, min(5, int(min(y.sum(), len(y) - y.sum()))))
    base = LogisticRegression(C=c, max_iter=2000, solver="liblinear")
    # shuffled folds: the examples come in blocks (one corpus shape, then the next), and
    # unshuffled folds would hold out whole shapes, so the calibration would learn from
    # predictions on kinds of listing the fold never saw
    split = StratifiedKFold(folds, shuffle=True, random_state=0)
    calibrated = CalibratedClassifierCV(base, method="sigmoid", cv=split, ensemble=False)
    calibrated.fit(x, y)
    inner = calibrated.calibrated_classifiers_[0]
    estimator = inner.estimator
    calibrator = inner.calibrators[0]
    weights = np.asarray(estimator.coef_[0], dtype=np.float32)
    weights[np.abs(weights) < 1e-4] = 0.0  # keep the exported file small
    info = {
        "feature_version": FEATURE_VERSION,
        "n_features": N_FEATURES,
        "C": c,
        "examples": len(y),
        "positives": int(y.sum()),
    }
    info.update(meta or {})
    return LearnedModel(
        weights, float(estimator.intercept_[0]), float(calibrator.a_), float(calibrator.b_), info
    )


#: Environment variable naming a model made by ``wildtrace train`` to use instead of the
#: packaged one (how an agency runs a model adapted to its own markets).
MODEL_ENV = "WILDTRACE_DETECTOR_MODEL"


def packaged_model_path() -> Path:
    return Path(str(resources.files("wildtrace.detect") / "data" / MODEL_FILE))


def active_model_path() -> Path | None:
    """The model file ``detect`` uses: $WILDTRACE_DETECTOR_MODEL, else the packaged one."""
    chosen = os.environ.get(MODEL_ENV)
    if chosen:
        path = Path(chosen)
        if not path.is_file():
            raise ModelFileError(chosen, "no such model file (make one with `wildtrace train`)")
        return path
    path = packaged_model_path()
    return path if path.is_file() else None


@cache
def default_model() -> LearnedModel | None:
    """The model named by files: $WILDTRACE_DETECTOR_MODEL, else the packaged one (see
    ``active_model_path``), or None: lexicon scores only. ``model_in_use`` is what
    ``detect`` uses (it also knows the store's active model)."""
    path = active_model_path()
    if path is None:
        return None
    try:
        return LearnedModel.load(path)
    except ModelFileError as error:
        if os.environ.get(MODEL_ENV):
            raise
        reason = f"{error.reason}; reinstall WildTrace or set {MODEL_ENV} to a model"
        raise ModelFileError(error.path, reason, setting=None) from error


#: The model installed by ``install_model`` (the store's active one) and its bytes.
_installed: tuple[bytes, LearnedModel] | None = None


def install_model(data: bytes | None, shown: str = "the store's active model") -> None:
    """Use the model in ``data`` (the store's active model, or the bytes a worker process
    was started with) wherever $WILDTRACE_DETECTOR_MODEL names no file; None goes back to
    the packaged model. The store adapter calls it; ``detect`` only reads the result."""
    global _installed
    if data is None:
        _installed = None
        return
    if _installed is not None and _installed[0] == data:
        return
    _installed = (data, LearnedModel.from_bytes(data, shown))


def installed_model_bytes() -> bytes | None:
    """The bytes given to ``install_model`` (passed on to worker processes), or None."""
    return None if _installed is None else _installed[0]


def model_in_use() -> LearnedModel | None:
    """The model ``detect`` uses, by one rule of precedence: the file named by
    $WILDTRACE_DETECTOR_MODEL, else the model installed from the store (its active model),
    else the packaged model; None when there is none (lexicon scores only)."""
    if _installed is not None and not os.environ.get(MODEL_ENV):
        return _installed[1]
    return default_model()


def model_threshold() -> float | None:
    """The threshold chosen when the model in use was trained on reviewer labels (its F1
    on out-of-fold predictions), or None: the packaged model leaves it to the default."""
    model = model_in_use()
    value = None if model is None else model.meta.get("threshold")
    return float(value) if isinstance(value, int | float) else None


def detection_data_files() -> list[Path]:
    """Every data file whose content changes what ``detect`` answers (for the analyzer
    version); the model counts by its digest (``model_in_use().digest``), wherever it is from."""
    from wildtrace.detect.lexicon import checklist_path

    data = Path(str(resources.files("wildtrace.detect") / "data"))
    files = [data / "lexicon.csv", data / "taxa.csv", data / "everyday_nouns.csv"]
    files += [path for path in (checklist_path(),) if path is not None]
    return files
