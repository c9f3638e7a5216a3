"""Detection: how likely a listing offers a wildlife or timber product, and why.

Two layers: the lexicon (``matcher`` + ``score.fuse``) finds the terms and builds the
explanation; the learned model (``learned``) re-scores listings that have lexicon
evidence, reading the terms together with the words around them, and gives a
calibrated probability. Without evidence the listing keeps the lexicon's low score.
"""

from wildtrace.detect.active import Candidate, QueueChoice, QueueShares, choose_queue
from wildtrace.detect.detector import (
    LEXICON_ONLY,
    READS_WITHOUT_EVIDENCE,
    FieldHits,
    detect,
    detect_batch,
    find_hits,
    has_evidence,
    lexicon_logit,
)
from wildtrace.detect.learned import (
    FEATURE_VERSION,
    MODEL_ENV,
    N_FEATURES,
    LearnedModel,
    default_model,
    detection_data_files,
    install_model,
    installed_model_bytes,
    matrix,
    model_in_use,
    model_threshold,
)
from wildtrace.detect.lexicon import COMMODITIES, EVIDENCE_KINDS, Lexicon, Term, default_lexicon
from wildtrace.detect.matcher import default_matcher
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
    vectorise,
)

__all__ = [
    "COMMODITIES",
    "DEFAULT_THRESHOLD",
    "EVIDENCE_KINDS",
    "FEATURE_VERSION",
    "LABEL_SOURCES",
    "LABEL_VERDICTS",
    "LEXICON_ONLY",
    "MODEL_ENV",
    "N_FEATURES",
    "READS_WITHOUT_EVIDENCE",
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
    "default_matcher",
    "default_model",
    "demo_held_out",
    "demo_labelled",
    "detect",
    "detect_batch",
    "detection_data_files",
    "find_hits",
    "has_evidence",
    "install_model",
    "installed_model_bytes",
    "labelled_rows",
    "latest_per_reviewer",
    "lexicon_logit",
    "matrix",
    "model_in_use",
    "model_threshold",
    "parse_verdict",
    "train",
    "vectorise",
]
