"""Orientation of each segment: `difficulte`, `levier` or `autre`, with a score in [0, 1].

For each segment, the first that applies wins:

1. a given orientation (a table's `--orientation` column) is kept, score 1.0;
2. a section hint (the scribe's heading: "Freins", "Pistes", "Contacts"...) is kept, score 1.0;
3. otherwise the model decides; the score is the probability of the class it chose.

The model is a multinomial logistic regression over four feature blocks, each L2-normalised and
weighted: hashed TF-IDF word 1-2 grams (a start marker makes the first word a feature of its own,
so "Créer un annuaire" differs from "un annuaire"), hashed TF-IDF char 2-5 grams, a few lexical
cues (negation, "manque", "trop", "il faudrait", an infinitive first word...) and the sentence
embedding of the configured embedder (`Settings.embedder_orient`). Hashing means no vocabulary
is stored: a model is a few arrays of numbers (`.npz`) and its settings (`.json`).

`autre` is a class of its own, learnt from texts about the meeting rather than its content
(who was there, the method, the atmosphere, the agenda): a segment is `autre` when the model
finds it at least `autre_threshold` (0.5) likely to be context, else the likelier of
`difficulte` and `levier`. A document takes the majority of its segments' orientations among
`difficulte` and `levier`: context does not outvote content. A document made of context only
takes the side its segments lean to (`stance`), and is `autre` when headings made it so.

The shipped default model (`src/corpus/data/orient_model-<embedder>.npz`) was trained on the
Grand Débat local-meeting reports (constats vs propositions, segmented like notes; their
"déroulement" answers as `autre`) and on the Cep-style bullets of `data/orient_examples.csv`;
`python bench/orient.py --save-default` rebuilds it.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from corpus.ingest.flat import ORIENTATION_WORDS
from corpus.records import ORIENTATIONS
from corpus.segment import fold, normalise

log = logging.getLogger(__name__)

FEATURES_VERSION = 1
LABEL_ORDER: tuple[str, ...] = ORIENTATIONS  # difficulte, levier, autre: also the tie-break order
_START = "debutdesegment"
_TOKEN = r"(?u)\b\w+\b"

LABEL_WORDS: dict[str, str] = ORIENTATION_WORDS  # the ingestion stage's label words

_NOT_VERBS = {
    "entre", "notre", "votre", "autre", "leur", "pour", "par", "sur", "hier", "cher", "mer",
    "hiver", "plusieurs", "tenir", "avenir", "loisir", "desir", "plaisir", "pouvoir", "savoir",
    "devoir", "espoir", "soir", "noir", "centre", "titre", "offre", "ordre", "nombre", "membre",
    "libre", "cadre", "chiffre", "propre", "contre", "lettre", "maire", "salaire", "partenaire",
    "territoire", "necessaire", "encore", "outre", "quatre", "tiers",
}
# (name, pattern on folded text): cues a scribe's wording gives away whatever the subject.
CUES: tuple[tuple[str, str], ...] = (
    ("negation", r"\bn(?:e\b|')[^.;:!?]{0,40}?\b(?:pas|plus|jamais|guere|aucun|aucune|rien)\b"),
    ("pas_de", r"\bpas (?:de|d'|d |assez|suffisamment|toujours|encore)\b|\bsans\b"),
    ("manque", r"\bmanqu\w*|\babsence\b|\binsuffis\w*|\bcarence\w*"),
    ("frein", r"\bfrein\w*|\bobstacle\w*|\bbloca\w*|\bbloqu\w*|\bbarriere\w*|\blimite\w*"),
    ("difficile", r"\bdifficil\w*|\bdifficult\w*|\bcompliqu\w*|\bcomplexe\w*|\blourd\w*"),
    ("trop_peu", r"\btrop\b|\bpeu\b|\bmal\b|\bmoins\b"),
    ("probleme", r"\bprobleme\w*|\brupture\w*|\bisol\w*|\bperte\w*|\babandon\w*|\bdecroch\w*"
                 r"|\bmeconn\w*|\binadapt\w*|\bmefian\w*|\bcrainte\w*|\binquiet\w*"),
    ("il_faut", r"\bil (?:faudrait|faut|conviendrait|convient)\b"
                r"|\b(?:doit|doivent|devrait|devraient|pourrait|pourraient)\b"),
    ("mettre_en", r"\bmettre en (?:place|oeuvre|commun|relation|avant|reseau)\b"),
    ("action", r"\b(?:creer|creation|developp\w*|renforc\w*|favoris\w*|amelior\w*|facilit\w*"
               r"|mutualis\w*|organis\w*|instaur\w*|simplifi\w*|valoris\w*|encourag\w*"
               r"|generalis\w*|systematis\w*|soutenir|soutien|augmenter|reduire|permettre)\b"),
    ("proposer", r"\bpropos\w*|\bpiste\w*|\bsolution\w*|\bidee\w*|\bpreconis\w*|\bsuggere\w*"),
    ("marche", r"\bfonctionne\w* bien\b|\bbonne\w* pratique\w*|\breussi\w*|\befficace\w*"
               r"|\bgrace (?:a|au|aux)\b|\bpermet\w*|\bs'appuyer\b"),
    ("contexte", r"\b(?:atelier|reunion|seance|participant\w*|animat\w*|anime\w*|tour de table"
                 r"|deroul\w*|ambiance|methode|debat\w*|restitution|presentation|echange\w*)\b"),
)
_CUES = [re.compile(p) for _, p in CUES]
_FIRST_WORD = re.compile(r"^[^\w]*(\w+)")


def normalise_label(value: Any) -> str | None:
    """A label as written ("Difficulté", "frein", "levier_proposition"...) as its orientation.

    None for an empty value; ValueError (in French) for a value it does not know.
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    key = re.sub(r"[\s\-]+", "_", fold(str(value)).strip())
    if not key:
        return None
    if key in LABEL_WORDS:
        return LABEL_WORDS[key]
    raise ValueError(
        f"étiquette d'orientation inconnue « {value} » : écrivez difficulte (ou difficulté, "
        "constat, frein), levier (ou proposition, piste) ou autre"
    )


def cue_features(texts: Sequence[str]) -> np.ndarray:
    """Presence (0/1) of each lexical cue, plus an infinitive first word, for each text."""
    out = np.zeros((len(texts), len(_CUES) + 1), dtype=np.float32)
    for i, text in enumerate(texts):
        folded = fold(text)
        for j, cue in enumerate(_CUES):
            out[i, j] = cue.search(folded) is not None
        first = _FIRST_WORD.match(folded)
        word = first.group(1) if first else ""
        out[i, -1] = (
            len(word) > 3 and word.endswith(("er", "ir", "re")) and word not in _NOT_VERBS
            and not word.endswith(("ier", "eur"))
        ) or word in {"creer", "simplifier", "unifier", "clarifier", "diversifier", "modifier",
                      "identifier", "planifier", "privilegier", "etudier", "relier", "publier"}
    return out


def _prepared(texts: Sequence[str]) -> list[str]:
    return [f"{_START} {fold(normalise(t))}" for t in texts]


def _hashers(n_bits: int, word_ngrams: tuple[int, int], char_ngrams: tuple[int, int]) -> tuple:
    from sklearn.feature_extraction.text import HashingVectorizer

    common = dict(n_features=2**n_bits, alternate_sign=False, norm=None, lowercase=False)
    word = HashingVectorizer(analyzer="word", ngram_range=tuple(word_ngrams), token_pattern=_TOKEN,
                             **common)
    char = HashingVectorizer(analyzer="char_wb", ngram_range=tuple(char_ngrams), **common)
    return word, char


def _l2_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    return sp.diags(1.0 / np.maximum(norms, 1e-12)) @ matrix


def _tfidf(counts: sp.csr_matrix, df: np.ndarray, n_docs: int, min_df: int) -> sp.csr_matrix:
    """Sublinear TF times smoothed IDF (scikit-learn's formula), rows L2-normalised.

    Features seen in fewer than `min_df` training texts count as unknown (weight 0), like words
    outside a vocabulary.
    """
    tf = counts.astype(np.float64).tocsr()
    tf.data = 1.0 + np.log(tf.data)
    idf = (np.log((1.0 + n_docs) / (1.0 + df)) + 1.0) * (df >= min_df)
    return _l2_rows(tf @ sp.diags(idf))


def balanced_weights(labels: Sequence[str], weights: np.ndarray) -> np.ndarray:
    """Rescale `weights` so that difficulte and levier carry the same total weight.

    Propositions often come as long lists: without this, their many segments would tilt the
    model toward levier. `autre` keeps its weights.
    """
    labels = np.asarray(labels, dtype=object)
    out = np.asarray(weights, dtype=np.float64).copy()
    masses = {c: out[labels == c].sum() for c in ("difficulte", "levier")}
    if all(masses.values()):
        target = sum(masses.values()) / 2
        for c, mass in masses.items():
            out[labels == c] *= target / mass
    return out


class OrientationModel:
    """Difficulte / levier (/ autre) classifier on hashed n-grams, cues and embeddings.

    `embedder` names the embedder whose vectors `fit` and `predict_proba` receive (None: lexical
    features only). When `embeddings` is not passed, the model loads that embedder itself.
    """

    def __init__(
        self,
        *,
        embedder: str | None = "e5-small",
        C: float = 2.0,
        n_bits: int = 18,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] = (2, 5),
        word_weight: float = 1.0,
        char_weight: float = 1.0,
        cue_weight: float = 1.0,
        embedding_weight: float = 2.0,
        min_df: int = 2,
        autre_threshold: float = 0.5,
        balance: bool = True,
        max_iter: int = 3000,
    ):
        self.embedder = embedder
        self.C = C
        self.n_bits = n_bits
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.word_weight = word_weight
        self.char_weight = char_weight
        self.cue_weight = cue_weight
        self.embedding_weight = embedding_weight
        self.min_df = min_df
        self.autre_threshold = autre_threshold
        self.balance = balance
        self.max_iter = max_iter

    # -- features ------------------------------------------------------------------------------

    def _params(self) -> dict[str, Any]:
        return {
            "embedder": self.embedder, "C": self.C, "n_bits": self.n_bits,
            "word_ngrams": list(self.word_ngrams), "char_ngrams": list(self.char_ngrams),
            "word_weight": self.word_weight, "char_weight": self.char_weight,
            "cue_weight": self.cue_weight, "embedding_weight": self.embedding_weight,
            "min_df": self.min_df, "autre_threshold": self.autre_threshold,
            "balance": self.balance, "max_iter": self.max_iter,
        }

    def _counts(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        word, char = _hashers(self.n_bits, self.word_ngrams, self.char_ngrams)
        prepared = _prepared(texts)
        return word.transform(prepared).tocsr(), char.transform([p[len(_START) + 1:]
                                                                 for p in prepared]).tocsr()

    def _embeddings(self, texts: Sequence[str], embeddings: np.ndarray | None) -> np.ndarray:
        if self.embedder is None:
            return np.zeros((len(texts), 0), dtype=np.float32)
        if embeddings is None:
            from corpus.embed import load_embedder

            embedder = load_embedder(self.embedder)
            fitted = getattr(self, "embedder_fingerprint_", None)
            if fitted and embedder.fingerprint != fitted:
                log.warning(
                    "modèle d'orientation entraîné avec %s (empreinte %s) mais appliqué avec %s",
                    self.embedder, fitted, embedder.fingerprint,
                )
            embeddings = embedder.encode(list(texts))
        embeddings = np.asarray(embeddings, dtype=np.float32)
        if embeddings.shape[0] != len(texts):
            raise ValueError(
                f"{embeddings.shape[0]} vecteurs pour {len(texts)} textes : passez un vecteur "
                "par texte, dans le même ordre"
            )
        return embeddings

    def _features(self, texts: Sequence[str], embeddings: np.ndarray | None) -> sp.csr_matrix:
        word, char = self._counts(texts)
        emb = self._embeddings(texts, embeddings)
        if emb.shape[1] != self.dim_:
            raise ValueError(
                f"vecteurs de dimension {emb.shape[1]}, le modèle attend {self.dim_} "
                f"(plongements « {self.embedder} »)"
            )
        blocks = [
            self.word_weight * _tfidf(word, self.word_df_, self.n_docs_, self.min_df),
            self.char_weight * _tfidf(char, self.char_df_, self.n_docs_, self.min_df),
            sp.csr_matrix(self.cue_weight * cue_features(texts)),
        ]
        if emb.shape[1]:
            blocks.append(sp.csr_matrix(self.embedding_weight * emb))
        return sp.hstack(blocks, format="csr")

    # -- fit / predict ----------------------------------------------------------------------------

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        embeddings: np.ndarray | None = None,
        *,
        sample_weight: Sequence[float] | None = None,
    ) -> OrientationModel:
        """Learn from texts and their labels (any spelling `normalise_label` accepts)."""
        from sklearn.linear_model import LogisticRegression

        texts = list(texts)
        y = [normalise_label(v) for v in labels]
        if any(v is None for v in y):
            raise ValueError("étiquette vide : chaque texte d'entraînement doit être étiqueté")
        classes = [c for c in LABEL_ORDER if c in set(y)]
        if len(classes) < 2:
            raise ValueError(
                "il faut au moins deux orientations différentes pour entraîner (par exemple "
                "difficulte et levier)"
            )
        word, char = self._counts(texts)
        self.n_docs_ = len(texts)
        self.word_df_ = np.bincount(word.indices, minlength=word.shape[1]).astype(np.float64)
        self.char_df_ = np.bincount(char.indices, minlength=char.shape[1]).astype(np.float64)
        emb = self._embeddings(texts, embeddings)
        self.dim_ = int(emb.shape[1])
        self.embedder_fingerprint_ = self._fingerprint() if self.embedder else None
        X = self._features(texts, emb)
        lr = LogisticRegression(C=self.C, max_iter=self.max_iter)
        weights = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
        if self.balance:
            weights = balanced_weights(y, weights)
        lr.fit(X, np.array([classes.index(v) for v in y]), sample_weight=weights)
        self.classes_ = classes
        # Stored as float16: quantised here, so a saved and reloaded model predicts the same.
        self.coef_ = lr.coef_.astype(np.float16).astype(np.float32)
        self.intercept_ = lr.intercept_.astype(np.float32)
        self.label_counts_ = {c: int(sum(v == c for v in y)) for c in classes}
        return self

    def _fingerprint(self) -> str | None:
        try:
            from corpus.embed import load_embedder

            return load_embedder(self.embedder).fingerprint
        except Exception as exc:  # a missing model must not stop a fit on given vectors
            log.warning("empreinte du modèle %s inconnue : %s", self.embedder, exc)
            return None

    def predict_proba(
        self, texts: Sequence[str], embeddings: np.ndarray | None = None
    ) -> np.ndarray:
        """Probabilities, one column per class of `classes_` (difficulte, levier[, autre])."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, len(self.classes_)), dtype=np.float64)
        X = self._features(texts, embeddings)
        z = np.asarray(X @ self.coef_.T.astype(np.float64)) + self.intercept_.astype(np.float64)
        if z.shape[1] == 1:
            p = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.column_stack([1.0 - p, p])
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def decide(self, proba: np.ndarray) -> tuple[list[str], np.ndarray]:
        """Orientation and score from probabilities.

        A text is `autre` when the model finds it at least `autre_threshold` likely to be
        context; otherwise it takes the likelier of difficulte and levier. The score is the
        probability of the orientation chosen.
        """
        classes = list(self.classes_)
        content = [classes.index(c) for c in classes if c != "autre"]
        best = np.asarray(content)[proba[:, content].argmax(axis=1)]
        if "autre" in classes:
            k = classes.index("autre")
            best = np.where(proba[:, k] >= self.autre_threshold, k, best)
        return [classes[i] for i in best], proba[np.arange(len(best)), best]

    def predict(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> list[str]:
        return self.decide(self.predict_proba(texts, embeddings))[0]

    # -- persistence -----------------------------------------------------------------------------

    def save(self, path: Path | str, *, info: dict | None = None) -> Path:
        """Write `path` (.npz: numbers only) and its `.json` sibling (settings, classes)."""
        path = Path(path).with_suffix(".npz")
        path.parent.mkdir(parents=True, exist_ok=True)
        n_hashed = 2 * 2**self.n_bits
        used = np.flatnonzero(np.any(self.coef_[:, :n_hashed] != 0, axis=0)).astype(np.int32)
        word_used = np.flatnonzero(self.word_df_ >= self.min_df).astype(np.int32)
        char_used = np.flatnonzero(self.char_df_ >= self.min_df).astype(np.int32)
        df_type = np.min_scalar_type(int(max(self.word_df_.max(), self.char_df_.max(), 1)))
        np.savez_compressed(
            path,
            hashed_index=used,
            hashed_coef=self.coef_[:, used].astype(np.float16),
            dense_coef=self.coef_[:, n_hashed:].astype(np.float16),
            intercept=self.intercept_,
            word_df_index=word_used,
            word_df=self.word_df_[word_used].astype(df_type),
            char_df_index=char_used,
            char_df=self.char_df_[char_used].astype(df_type),
        )
        meta = {
            "format": "corpus-orientation",
            "features_version": FEATURES_VERSION,
            "params": self._params(),
            "classes": list(self.classes_),
            "n_docs": int(self.n_docs_),
            "dim": int(self.dim_),
            "embedder_fingerprint": self.embedder_fingerprint_,
            "label_counts": self.label_counts_,
            "info": info or {},
        }
        path.with_suffix(".json").write_text(
            json.dumps(meta, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        return path

    @classmethod
    def load(cls, path: Path | str) -> OrientationModel:
        """A model written by `save` (path of the .npz or of its .json)."""
        path = Path(path).with_suffix(".npz")
        try:
            meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
            arrays = np.load(path)
        except (OSError, ValueError) as exc:
            raise ValueError(
                f"{path} : modèle d'orientation illisible ({exc}). Correction : réentraînez-le "
                "avec `corpus orient train`."
            ) from exc
        if meta.get("features_version") != FEATURES_VERSION:
            raise ValueError(
                f"{path} : modèle d'une autre version des caractéristiques "
                f"({meta.get('features_version')} au lieu de {FEATURES_VERSION}). Correction : "
                "réentraînez-le avec `corpus orient train`."
            )
        params = dict(meta["params"])
        params["word_ngrams"] = tuple(params["word_ngrams"])
        params["char_ngrams"] = tuple(params["char_ngrams"])
        params.setdefault("min_df", 1)  # saved before min_df existed: every feature counted
        model = cls(**params)
        n_hashed = 2 * 2**model.n_bits
        n_out = arrays["intercept"].shape[0]
        coef = np.zeros((n_out, n_hashed + arrays["dense_coef"].shape[1]), dtype=np.float32)
        coef[:, arrays["hashed_index"]] = arrays["hashed_coef"]
        coef[:, n_hashed:] = arrays["dense_coef"]
        model.coef_ = coef
        model.intercept_ = arrays["intercept"].astype(np.float32)
        model.word_df_ = np.zeros(2**model.n_bits, dtype=np.float64)
        model.word_df_[arrays["word_df_index"]] = arrays["word_df"]
        model.char_df_ = np.zeros(2**model.n_bits, dtype=np.float64)
        model.char_df_[arrays["char_df_index"]] = arrays["char_df"]
        model.classes_ = list(meta["classes"])
        model.n_docs_ = int(meta["n_docs"])
        model.dim_ = int(meta["dim"])
        model.embedder_fingerprint_ = meta.get("embedder_fingerprint")
        model.label_counts_ = meta.get("label_counts", {})
        model.info_ = meta.get("info", {})
        return model


# -- the shipped model -----------------------------------------------------------------------------


def default_model_path(embedder: str | None = None) -> Path:
    """Where the shipped weights for `embedder` (default: `Settings.embedder_orient`) live."""
    from corpus.config import Settings

    name = embedder or Settings().embedder_orient
    data = Path(str(resources.files("corpus") / "data"))
    return data / f"orient_model-{name}.npz"


def default_model_file(embedder: str | None = None) -> Path:
    """The shipped weights that `load_default_model(embedder)` reads (lexical as a fallback)."""
    path = default_model_path(embedder)
    return path if path.exists() else path.with_name("orient_model-lexical.npz")


def load_default_model(embedder: str | None = None) -> OrientationModel:
    """The shipped model for the configured embedder; lexical-only when none ships for it."""
    path = default_model_file(embedder)
    if path != default_model_path(embedder):
        log.warning(
            "aucun modèle d'orientation livré pour le plongement « %s » : modèle lexical utilisé "
            "(entraînez-en un avec `corpus orient train`)",
            default_model_path(embedder).stem.removeprefix("orient_model-"),
        )
    return OrientationModel.load(path)


# -- applying it ---------------------------------------------------------------------------------


def _label_or_none(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    value = str(value)
    return value if value in LABEL_ORDER else None


def orient_segments(
    frame: pd.DataFrame, embeddings: np.ndarray | None, model: OrientationModel
) -> pd.DataFrame:
    """`orientation`, `orientation_score` and `stance` for each row of `frame` (same index).

    `frame` needs `text`; `given_orientation` and `section_hint` are used when present.
    `embeddings`, when given, has one row per row of `frame`; only rows the model decides use it.
    `stance` is the likelier of difficulte and levier, also for a segment the model finds to be
    context (None where a heading said "autre"): `document_orientation` falls back on it.
    """
    n = len(frame)
    given = frame["given_orientation"] if "given_orientation" in frame else [None] * n
    hints = frame["section_hint"] if "section_hint" in frame else [None] * n
    labels: list[str | None] = [
        _label_or_none(g) or _label_or_none(h) for g, h in zip(given, hints, strict=True)
    ]
    stances = [lab if lab in ("difficulte", "levier") else None for lab in labels]
    scores = np.ones(n, dtype=np.float64)
    todo = np.array([lab is None for lab in labels], dtype=bool)
    if todo.any():
        texts = frame["text"].astype(str).to_numpy()[todo].tolist()
        emb = None if embeddings is None else np.asarray(embeddings)[todo]
        proba = model.predict_proba(texts, emb)
        chosen, chosen_scores = model.decide(proba)
        d, lv = model.classes_.index("difficulte"), model.classes_.index("levier")
        for j, i in enumerate(np.flatnonzero(todo)):
            labels[i] = chosen[j]
            scores[i] = float(chosen_scores[j])
            stances[i] = "levier" if proba[j, lv] > proba[j, d] else "difficulte"
    return pd.DataFrame(
        {
            "orientation": np.array(labels, dtype=object),
            "orientation_score": scores,
            "stance": np.array(stances, dtype=object),
        },
        index=frame.index,
    )


def _ranked(group: pd.DataFrame, column: str) -> str:
    """The most frequent value of `column`; ties by summed score, then difficulte first."""
    counts = group.groupby(column)["score"].agg(["size", "sum"])
    return min(
        counts.index,
        key=lambda o: (-counts.loc[o, "size"], -counts.loc[o, "sum"], LABEL_ORDER.index(o)),
    )


def document_orientation(segments: pd.DataFrame) -> pd.Series:
    """doc_id -> orientation: the majority of its segments' orientations.

    Only `difficulte` and `levier` vote: context does not outvote content. A tie goes to the
    larger sum of `orientation_score`, then to difficulte before levier. A document whose
    segments are all context takes the majority of their `stance` (the side they lean to)
    when the frame has that column, and is `autre` otherwise or when a heading made them so.
    """
    frame = pd.DataFrame({
        "doc_id": segments["doc_id"].to_numpy(),
        "orientation": segments["orientation"].to_numpy(),
        "score": (segments["orientation_score"].astype(float).fillna(0.0).to_numpy()
                  if "orientation_score" in segments else 1.0),
        "stance": segments["stance"].to_numpy() if "stance" in segments else None,
    })
    out: dict[str, str] = {}
    for doc_id, group in frame.groupby("doc_id", sort=True):
        voting = group[group["orientation"].isin(["difficulte", "levier"])]
        leaning = group[group["stance"].isin(["difficulte", "levier"])]
        if not voting.empty:
            out[doc_id] = _ranked(voting, "orientation")
        elif not leaning.empty:
            out[doc_id] = _ranked(leaning, "stance")
        else:
            out[doc_id] = "autre"
    return pd.Series(out, name="orientation", dtype="object").rename_axis("doc_id")


# -- training on a user's table ----------------------------------------------------------------

LEXICAL = ("lexical", "none", "aucun")


def segment_weights(doc_ids: Sequence[str]) -> np.ndarray:
    """1/sqrt(segments of the document): a long list counts more than one bullet, not 50 times."""
    sizes = pd.Series(list(doc_ids)).map(pd.Series(list(doc_ids)).value_counts())
    return 1.0 / np.sqrt(sizes.to_numpy(dtype=np.float64))


def _read_labelled(path: Path, text: str, label: str, nlp: Any) -> pd.DataFrame:
    """Segments of a labelled table; each segment carries its row's label."""
    from corpus.ingest import read_table
    from corpus.segment import segment_notes
    from corpus.store import segments_frame

    demarche = read_table(path, text=text, orientation=label)
    notes = [n for n in demarche.notes if n.given_orientation is not None]
    if len(notes) < len(demarche.notes):
        log.info("%s : %d ligne(s) sans étiquette ignorée(s)", path,
                 len(demarche.notes) - len(notes))
    segments = segments_frame(segment_notes(notes, nlp=nlp))
    segments["label"] = segments.pop("given_orientation")
    return segments


def train_from_table(
    path: Path | str,
    *,
    text: str,
    label: str,
    embedder: str | None = None,
    out: Path | str | None = None,
    store: Any = None,
    nlp: Any = None,
    folds: int = 5,
    seed: int = 42,
    **params: Any,
) -> dict[str, Any]:
    """Train an orientation model on a labelled table; return its metrics and where it is saved.

    Rows are segmented like notes and each segment inherits its row's label (difficulte /
    difficulté / constat / frein, levier / proposition / piste, autre). `embedder` defaults to
    `Settings.embedder_orient` ("lexical" for none). The metrics come from a `folds`-fold
    cross-validation grouped by row: macro-F1 per document (majority of its segments, section
    hints applied) and per segment. The model is then fitted on every row and saved to `out`
    (default: `<models_dir>/orientation/<table name>-<embedder>.npz`).
    """
    import time

    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedGroupKFold

    from corpus.config import Settings

    started = time.perf_counter()
    path = Path(path)
    settings = Settings()
    name = embedder or settings.embedder_orient
    name = None if name.lower() in LEXICAL else name
    segments = _read_labelled(path, text, label, nlp)
    doc_labels = segments.groupby("doc_id")["label"].first()
    counts = doc_labels.value_counts()
    if len(counts) < 2:
        raise ValueError(
            f"{path} : la colonne « {label} » ne contient qu'une orientation "
            f"({', '.join(counts.index) or 'aucune'}) ; il en faut au moins deux"
        )
    vectors = None
    fingerprint = None
    if name is not None:
        from corpus.embed import embed_cached, load_embedder

        emb = load_embedder(name)
        vectors = embed_cached(emb, segments["text"].tolist(), store)
        fingerprint = emb.fingerprint
    texts = segments["text"].tolist()
    weights = segment_weights(segments["doc_id"])
    metrics: dict[str, Any] = {}
    n_folds = min(folds, int(counts.min()))
    if n_folds >= 2:
        splitter = StratifiedGroupKFold(n_splits=n_folds, shuffle=True, random_state=seed)
        predicted = pd.DataFrame(
            index=segments.index, columns=["orientation", "orientation_score", "stance"]
        )
        for train, test in splitter.split(texts, segments["label"], groups=segments["doc_id"]):
            model = OrientationModel(embedder=name, **params).fit(
                [texts[i] for i in train], segments["label"].iloc[train],
                None if vectors is None else vectors[train], sample_weight=weights[train],
            )
            part = segments.iloc[test][["text", "section_hint"]]
            predicted.iloc[test] = orient_segments(
                part, None if vectors is None else vectors[test], model
            ).to_numpy()
        predicted["doc_id"] = segments["doc_id"]
        docs = document_orientation(predicted)
        metrics = {
            "folds": n_folds,
            "macro_f1_documents": round(float(f1_score(
                doc_labels.loc[docs.index], docs, average="macro", labels=sorted(counts.index)
            )), 4),
            "macro_f1_segments": round(float(f1_score(
                segments["label"], predicted["orientation"].astype(str), average="macro",
                labels=sorted(counts.index),
            )), 4),
        }
    model = OrientationModel(embedder=name, **params).fit(
        texts, segments["label"], vectors, sample_weight=weights
    )
    if out is None:
        out = settings.models_dir / "orientation" / f"{path.stem}-{name or 'lexical'}"
    info = {"table": path.name, "text": text, "label": label, **metrics}
    saved = model.save(Path(out), info=info)
    return {
        "model": str(saved),
        "embedder": name or "lexical",
        "fingerprint": fingerprint,
        "rows": int(len(doc_labels)),
        "segments": int(len(segments)),
        "labels": {k: int(v) for k, v in counts.sort_index().items()},
        **metrics,
        "seconds": round(time.perf_counter() - started, 1),
    }
