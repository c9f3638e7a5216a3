"""Detection: how likely a listing offers a wildlife or timber product, and why.

Two layers: the lexicon (``matcher`` + ``score.fuse``) finds the terms and builds the
explanation; the learned model (``learned``) re-scores listings that have lexicon
evidence, reading the terms together with the words around them, and gives a
calibrated probability. Without evidence the listing keeps the lexicon's low score.
"""

from wildtrace.detect.active import Candidate, QueueChoice, QueueShares, choose_queue
from wildtrace.detect.detector import LEXICON_ONLY, FieldHits, detect, find_hits, has_evidence, lexicon_logit
from wildtrace.detect.learned import MODEL_ENV, LearnedModel, default_model, detection_data_files
from wildtrace.detect.lexicon import COMMODITIES, EVIDENCE_KINDS, Lexicon, Term, default_lexicon
from wildtrace.detect.review import (
    LABEL_SOURCES,
    LABEL_VERDICTS,
    Label,
    LabelSource,
    LabelVerdict,
    PairAgreement,
    VerdictError,
    agreement,
    consensus,
    latest_per_reviewer,
    parse_verdict,
)
from wildtrace.detect.score import DEFAULT_THRESHOLD
from wildtrace.detect.training import (
    Labelled,
    corpus_examples,
    demo_held_out,
    demo_labelled,
    labelled_rows,
    train,
)

__all__ = [
    "COMMODITIES",
    "DEFAULT_THRESHOLD",
    "EVIDENCE_KINDS",
    "LABEL_SOURCES",
    "LABEL_VERDICTS",
    "LEXICON_ONLY",
    "MODEL_ENV",
    "Candidate",
    "FieldHits",
    "Label",
    "LabelSource",
    "LabelVerdict",
    "Labelled",
    "LearnedModel",
    "Lexicon",
    "PairAgreement",
    "QueueChoice",
    "QueueShares",
    "Term",
    "VerdictError",
    "agreement",
    "choose_queue",
    "consensus",
    "corpus_examples",
    "default_lexicon",
    "default_model",
    "demo_held_out",
    "demo_labelled",
    "detect",
    "detection_data_files",
    "find_hits",
    "has_evidence",
    "labelled_rows",
    "latest_per_reviewer",
    "lexicon_logit",
    "parse_verdict",
    "train",
]
