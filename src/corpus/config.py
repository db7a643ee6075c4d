"""One frozen settings object: paths, models, seed and thresholds, with their defaults in code.

Every constant tuned on data lives here, with the data it was tuned on and the figure it gave,
so that a reader can tell a design choice from a fitted value, and re-tune on other data.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_STORE = Path("data/corpus.duckdb")
DEFAULT_SEED = 42


@dataclass(frozen=True)
class Settings:
    """Everything a run depends on besides its inputs. Stored in `run.json`."""

    store: Path = DEFAULT_STORE
    models_dir: Path = PROJECT_ROOT / "models"
    seed: int = DEFAULT_SEED
    # Embedders per stage, chosen by measurement (bench/embed.py, bench/themes.py --embedders):
    # USE for themes, e5 for paraphrase (queries, orientation).
    embedder_themes: str = "use-multilingual"
    embedder_orient: str = "e5-small"
    embedder_query: str = "e5-small"
    spacy_model: str = "fr_core_news_sm"
    orient_model: Path | None = None  # a team's model (`corpus orient train`); None: shipped one
    # Segmentation: fragments shorter than this are merged with a neighbour; longer bullets are
    # cut into sentences. Design choices (a segment is "one idea"), not fitted.
    min_segment_chars: int = 30
    max_segment_chars: int = 600
    # The largest text one note, table cell or feedback answer may hold (UTF-8 bytes); a bigger
    # one is set aside with its size (CORPUS_MAX_NOTE_KB changes it). Real notes: 2-5 KB (the
    # sample démarche), the longest real text seen 34 KB (a Grand Débat meeting report). Here
    # (2 cores shared with other jobs), a 255 KB note gave 2,142 segments in 19 s of
    # segmentation and 3 s of pseudonymisation, and spaCy holds about 3 GB a MB of one
    # paragraph (under 1 GB at this limit); a 20 MB note would take some 25 minutes of
    # segmentation alone. A choice with these figures, not fitted.
    max_note_bytes: int = 256 * 1024

    # -- themes ----------------------------------------------------------------------------------
    # At most this share of segments stays outside every theme (a design limit: a synthesis
    # reader must see nearly everything placed).
    max_outlier_fraction: float = 0.10
    # A theme recurs when seen in this many ateliers (the domain's definition: "several").
    recurring_min_ateliers: int = 2
    # Themes are HDBSCAN's dense regions in a UMAP reduction (BERTopic's default pair, with
    # its defaults of 15 neighbours and 5 dimensions).
    themes_umap_neighbors: int = 15
    themes_umap_components: int = 5
    # UMAP's layout epochs from `themes_umap_epochs_from` segments on (below: UMAP's default,
    # 500). The layout is single-threaded so that a seed gives the same themes; at 500 epochs it
    # was 9 of the 14 s the stage took on the 6,231 segments of the meeting reports, where
    # BERTopic's defaults (multi-threaded) take 6 s. 200 epochs there: 9.3 s, theme NMI 0.400 /
    # 0.356 (seeds 42 / 7; 500 epochs: 0.398 / 0.356), grands thèmes 0.469 / 0.389 (0.476 /
    # 0.389). Below 4,096 points UMAP (as BERTopic runs it) finds neighbours pair by pair in
    # Python and our exact neighbours by matrix products are faster: there 200 epochs cut the
    # time by a third (tune half, 40 and 10-150 answers) but split 3 questions × 40 answers into
    # 7 themes (tests/themes/test_real_subjects.py), so the threshold is UMAP's small-data size.
    themes_umap_epochs: int = 200
    themes_umap_epochs_from: int = 4096
    # The smallest theme is fixed, not grown with the corpus: a dense region of
    # `themes_min_cluster_size` segments (HDBSCAN's density from `themes_min_samples`
    # neighbours) is a theme, and a region is not split below `themes_cluster_epsilon` (HDBSCAN's
    # cluster_selection_epsilon, in UMAP units). Tuned on the Grand Débat answers' tune half
    # (sorted questions, every other one), 10 long-tail subsamples (`bench/questions.py
    # --shapes tail`: 4, 5 or 10 questions of 8 to 150 answers, all, short or long answers, one
    # questionnaire; seeds 42 and 7), answer-level NMI / recall of the subjects below the median
    # size / theme count within [q/2, 2q] (no share limit): 8, 3, 0.35 gave 0.482 / 0.48 /
    # 8 of 10 subsamples; 5, 5, 0.45: 0.475 / 0.47 / 7; 10, 3, 0.35: 0.479 / 0.36 / 9; no
    # epsilon (8, 3): 0.478 / 0.52 / 6; the former rule (0.25 n^0.65, at most a third of the
    # corpus): 0.451 / 0.17 / 10. BERTopic's defaults there: 0.310 / 0.12 / 7; k-means told k:
    # 0.396 / 0.02. Merging HDBSCAN's regions afterwards (Ward distance in units of the
    # within-theme variance, centroid cosine, shared nearest neighbours) either changed nothing
    # or cascaded into a few themes (NMI 0.05-0.33): the answers to one question are no closer
    # to each other than to other questions' in this space, so no merge threshold separates
    # them. Report half, same shapes, with the share limit below (bench/questions.py --shapes
    # tail --no-all --seeds 42,7): NMI 0.439 (BERTopic 0.382, k-means 0.396), small-subject
    # recall 0.21 (0.12, 0.00), theme count within [q/2, 2q] in 7 of 10 (1.1 to 4.0 q: a
    # subject of 150 answers splits into its sub-concerns). Meeting reports (bench/themes.py,
    # seeds 42 and 7): 164-176 themes, NMI 0.326 (BERTopic 0.236), grands thèmes 0.457 / 0.408.
    themes_min_cluster_size: int = 8
    themes_min_samples: int = 3
    themes_cluster_epsilon: float = 0.35
    # No theme holds more than this share of the segments: a catch-all is split. With the
    # values above, on the same subsamples: no limit or 1/2 0.482 / 0.48 / 8 of 10, 1/3 0.478 /
    # 0.53 / 7; kept at 1/3 because without it two subjects of a small corpus that share
    # words (36 + 10 segments, tests/themes/test_fit.py) made one theme.
    themes_max_cluster_share: float = 1 / 3
    # Weight of the lemma LSA block next to the embedding (tuned with the above: 0.5 gave
    # NMI 0.527, 1.0 gave 0.493, on the same 16 subsamples).
    themes_lexical_weight: float = 0.5
    # A label's score is multiplied by this when it is a single word (2 to 4 words: 1.0), so
    # that a noun phrase written in two segments beats a lone key term. Chosen by reading the
    # sample démarche's labels (a judgement, not a measured optimum); with it, on the Grand
    # Débat questions' report half, 98.9% of labels are noun phrases written in >= 2 segments.
    themes_label_single_word_weight: float = 0.3
    # Share of a segment's vector taken from its document's mean, for documents of at most
    # `themes_context_max_median` segments (median): survey answers and meeting summaries speak
    # of one subject (Grand Débat meetings: tuned with the lexical weight when the block came in).
    themes_context_weight: float = 0.5
    themes_context_max_median: int = 8
    themes_outlier_floor: float = 0.05
    # Stable ids: a new theme continues a known one from this cosine of centred centroids on, or
    # from `theme_match_floor` when each is the other's nearest. The threshold from e5 centroids
    # (same theme in two territories: 0.83-0.95, different themes: at most 0.81); the floor from
    # the sample démarche (its two territories' shared themes lie at 0.70-0.84, other pairs
    # below 0.64): fitted to the sample, to be re-measured on other démarches.
    theme_match_threshold: float = 0.80
    theme_match_floor: float = 0.70

    # -- synthesis and search --------------------------------------------------------------------
    # A theme is a difficulty (lever) theme in a scope when this share of its segments there is
    # oriented so (design choice: a quarter is a real voice, not noise).
    synthesis_min_share: float = 0.25
    # A lever theme answers a difficulty from this cosine between their centroids (a floor set
    # by hand, not fitted).
    synthesis_lever_min_similarity: float = 0.3
    # A theme of the participants' answers (retours) speaks of a note theme when that theme is
    # its nearest and stands out from the others more than it does for this share of random
    # sets of as many answers to the same question (`synthesis.feedback.link_feedback`: a
    # permutation test, so the figure is a probability, not a cosine). Measured on data/sample
    # (146 answers to 3 questions, 13 feedback themes not mixed, 7 note themes, USE; seeds 42
    # and 7): the three whose nearest note theme is their subject (conseillers who do not know
    # the others' offers -> "Nouveaux conseillers"; CFA, CMA, FT -> the theme of those terms;
    # employeurs -> "Employeurs") beat 0.94-1.0 of the random sets; the others at most 0.80
    # (their nearest on another subject: "ML" -> "Santé au travail", "atelier trop court" ->
    # "Voiture"). 0.9 lies between; a set of answers no closer to a note theme than a random
    # one is still linked one time in ten.
    feedback_link_min_beats: float = 0.9
    # A theme of the answers to one question is shown as mixed (no subject of its own, never
    # linked) when its answers are closer to each other than any two answers to the question by
    # less than this share of what is left to identity (`synthesis.feedback.cohesion`). Measured
    # on data/sample (its 16 feedback themes): the three grab-bags of 16-20 answers on unrelated
    # subjects scored -0.01 to 0.02; the others 0.05 ("Plus de dossiers concrets", "Plus
    # d'artisans présents"...: loosely one subject) to 0.28. Set by hand between the two
    # groups; 0 shows every theme as found.
    feedback_theme_min_cohesion: float = 0.035
    # Bonus of a segment holding every content word of a query: e5 cosines of related French
    # sentences differ by a few hundredths, so this reorders near ties without letting a bag of
    # shared words beat a real paraphrase (set by hand).
    search_lexical_weight: float = 0.05
    # Seconds a second `corpus` process waits for the store before giving up.
    store_lock_timeout_s: float = 600.0
    # Seconds a second run waits for the run holding the store (`corpus.store.runlock`): an
    # hour lets a nightly passage wait for a run started by hand (the sample démarche takes
    # minutes on 2 cores). A choice, not fitted; `--wait` or CORPUS_LOCK_TIMEOUT change it.
    run_lock_timeout_s: float = 3600.0
    extra: dict = field(default_factory=dict)

    def with_(self, **changes) -> Settings:
        return replace(self, **changes)

    def as_dict(self) -> dict:
        out = {}
        for key, value in self.__dict__.items():
            out[key] = str(value) if isinstance(value, Path) else value
        return out


DEFAULT = Settings()


def project_home() -> Path:
    """The project folder when running from a checkout, else the current folder."""
    return PROJECT_ROOT if (PROJECT_ROOT / "pyproject.toml").exists() else Path.cwd()


def prefect_env(environ: dict[str, str]) -> dict[str, str]:
    """Prefect settings this project needs, unless the user already set them.

    `PREFECT_HOME` stays inside the project (never the user's home by surprise), telemetry is
    off (a new database otherwise logs a harmless but alarming lock error), the temporary
    server gets time to start on a slow machine, and logs from `corpus` reach the Prefect UI.
    """
    wanted = {
        "PREFECT_HOME": str(project_home() / ".prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
        "PREFECT_LOGGING_EXTRA_LOGGERS": "corpus",
        # corpus also logs outside flows (queries, exports): those lines stay local.
        "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
        "PREFECT_LOGGING_LEVEL": "INFO",
        "PREFECT_UI_ENABLED": "true",
    }
    return {k: v for k, v in wanted.items() if k not in environ}
