"""The orientation model: `difficulte`, `levier` or `autre` for a text, with a probability.

(Where the model decides and where headings or given labels win: `corpus.orient.apply`.)

The model is a multinomial logistic regression over four feature blocks, each L2-normalised and
weighted: hashed TF-IDF word 1-2 grams (a start marker makes the first word a feature of its own,
so "Créer un annuaire" differs from "un annuaire"), hashed TF-IDF char 2-5 grams, a few lexical
cues (negation, "manque", "trop", "il faudrait", an infinitive first word...) and the sentence
embedding of the configured embedder (`Settings.embedder_orient`). Hashing means no vocabulary
is stored: a model is a few arrays of numbers (`.npz`) and its settings (`.json`).

`autre` is a class of its own, learnt from texts about the meeting rather than its content
(who was there, the method, the atmosphere, the agenda): a segment is `autre` when the model
finds it at least `autre_threshold` (0.5) likely to be context, else the likelier of
`difficulte` and `levier`.

The shipped default model (`src/corpus/data/orient_model-<embedder>.npz`) was trained on the
Grand Débat local-meeting reports (constats vs propositions, segmented like notes; their
"déroulement" answers as `autre`) and on the Cep-style bullets of `data/orient_examples.csv`;
`python bench/orient.py --save-default` rebuilds it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, softmax
from sklearn.base import BaseEstimator

from corpus.orient import features
from corpus.records import ORIENTATIONS, orientation_label

log = logging.getLogger(__name__)

LABEL_ORDER: tuple[str, ...] = ORIENTATIONS  # difficulte, levier, autre: also the tie-break order


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


class OrientationModel(BaseEstimator):
    """Difficulte / levier (/ autre) classifier on hashed n-grams, cues and embeddings.

    A scikit-learn estimator: `get_params` / `set_params` and `clone` read the settings of
    `__init__`, which `save` writes to the `.json`.

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

    def _counts(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        word, char = features.hashers(self.n_bits, self.word_ngrams, self.char_ngrams)
        prepared = features.prepared(texts)
        return word.transform(prepared).tocsr(), char.transform([p[len(features.START) + 1:]
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
            self.word_weight * features.tfidf(word, self.word_df_, self.n_docs_, self.min_df),
            self.char_weight * features.tfidf(char, self.char_df_, self.n_docs_, self.min_df),
            sp.csr_matrix(self.cue_weight * features.cue_features(texts)),
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
        """Learn from texts and their labels (any spelling `records.orientation_label` accepts)."""
        from sklearn.linear_model import LogisticRegression

        texts = list(texts)
        y = [orientation_label(v) for v in labels]
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
            p = expit(z[:, 0])
            return np.column_stack([1.0 - p, p])
        return softmax(z, axis=1)

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
            "features_version": features.FEATURES_VERSION,
            "params": self.get_params(),
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
        if meta.get("features_version") != features.FEATURES_VERSION:
            raise ValueError(
                f"{path} : modèle d'une autre version des caractéristiques "
                f"({meta.get('features_version')} au lieu de {features.FEATURES_VERSION}). "
                "Correction : réentraînez-le avec `corpus orient train`."
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
