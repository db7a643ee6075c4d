"""One frozen settings object: paths, models, seed and thresholds, with their defaults in code.

Every constant tuned on data lives here, with the data it was tuned on and the figure it gave,
so that a reader can tell a design choice from a fitted value, and re-tune on other data.

`Settings` is also the only reader of the `CORPUS_*` environment variables: any field can be
set as `CORPUS_<FIELD>` (`CORPUS_SEED=7`), and the process-wide switches (`CORPUS_DEBUG`,
`CORPUS_PROGRESS`, `CORPUS_THREADS`...) are fields too, kept out of `as_dict()` (run.json and
the cache keys: they change how a run is shown or scheduled, not what it finds). One rule for
every variable: pydantic's (booleans: 1/0, true/false, yes/no, on/off, any case; integers and
seconds: numbers; an empty variable counts as unset); a value that does not parse is an error
naming the variable and the fix. `environment()` reads the environment once per process.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, PositiveFloat, PositiveInt, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_STORE = Path("data/corpus.duckdb")
DEFAULT_SEED = 42
ENV_PREFIX = "CORPUS_"


class ConfigError(ValueError):
    """A setting (an environment variable) that does not parse; the message names the fix."""


def _process(default: Any = None) -> Any:
    """A field of the process, not of the run: not in `as_dict()` (run.json, cache keys)."""
    return Field(default, exclude=True)


class Settings(BaseSettings):
    """Everything a run depends on besides its inputs. Stored in `run.json` (`as_dict`)."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True, extra="forbid",
                                      env_ignore_empty=True, validate_default=False)

    store: Path = DEFAULT_STORE
    models_dir: Path = PROJECT_ROOT / "models"
    seed: int = DEFAULT_SEED
    # Embedders per stage, chosen by measurement (bench/embed.py, bench/themes.py --embedders):
    # USE for themes, e5 for paraphrase (orientation, where the lexical model is unsure).
    embedder_themes: str = "use-multilingual"
    embedder_orient: str = "e5-small"
    # The search's embedder: USE, the themes' embedder, whose vectors the run already has (e5
    # embedded every segment once more: 13 of the 39 minutes of 100,000 segments).
    # bench/search.py (20 Grand Débat questions, report half, lexical bonus 0.05): nDCG@10
    # USE 0.836 vs e5 0.764 with a question's wording as the query, 0.699 vs 0.810 with its
    # content words; neither gap is beyond noise on 10 queries (bootstrap intervals hold 0).
    # On the sample's four paraphrased difficulties e5 puts the expected segment first 4 times,
    # USE 2 times (second the other 2). "e5-small" searches with e5 (ONNX for the question)
    # and embeds every segment in the run's last stage, after the synthesis is written.
    embedder_query: str = "use-multilingual"
    spacy_model: str = "fr_core_news_sm"
    orient_model: Path | None = None  # a team's model (`corpus orient train`); None: shipped one
    # Orientation cascade: the shipped lexical model orients every content segment; only those
    # it decides with a probability under this threshold are embedded (`embedder_orient`) and
    # oriented by the shipped embedder + lexical model. 0: never embed (lexical alone); 1: embed
    # every segment the model decides (the embedder's model alone). A team's model (`orient_model`)
    # orients alone. `bench/orient.py --cascade` (Grand Débat reports, région held out; macro-F1
    # per document, share of segments embedded), first 4 régions / last 4 / all 8:
    #   0 (lexical alone) 0.8335 / 0.8560 / 0.8475, 0 %; 0.55: 0.8376 / 0.8604 / 0.8518, 10 %;
    #   0.60: 0.8408 / 0.8586 / 0.8519, 18 %; 0.75: 0.8426 / 0.8599 / 0.8534, 41 %;
    #   1 (e5 wherever the model decides): 0.8436 / 0.8606 / 0.8542, 92 %.
    # Re-run after lines without final punctuation ended their paragraph (segmentation, same
    # day): lexical alone 0.8395 / 0.8547 / 0.8490; 0.55: 0.8426 / 0.8596 / 0.8532, 10 %;
    # 0.60: 0.8467 / 0.8609 / 0.8556, 18 %; 0.75: 0.8487 / 0.8611 / 0.8564, 41 %; 1: 0.8497 /
    # 0.8635 / 0.8583, 92 %. The same rule still gives 0.60 (0.002 would give 0.70).
    # Re-run 07/12/2026 (quotations kept whole, contact lines as déroulé): lexical alone
    # 0.8375 / 0.8571 / 0.8497; 0.55: 0.8426 / 0.8590 / 0.8529, 10 %; 0.60: 0.8457 / 0.8591 /
    # 0.8540, 18 %; 1: 0.8497 / 0.8617 / 0.8572, 92 %: the rule still gives 0.60. USE in e5's
    # place (its vectors are the themes' own, so they would cost nothing) does worse than the
    # lexical model alone at every threshold (1: 0.8335 / 0.8476 / 0.8423; `bench/orient.py
    # --cascade --embedders use-multilingual`); ONNX Runtime runs e5 no faster here (65 against
    # 67-73 texts/s on 1,000 real segments, cosine 1.0): e5 stays, on the unsure 18 %.
    # Rule on the first 4: the least e5 within 0.005 of e5 everywhere (0.60). A tolerance of
    # 0.002, set first, gave 0.75; it was widened after the grid was seen, for run time: e5 is
    # the slowest embedder here (65-70 texts/s on 2 cores, bench/scale.py), and 0.75 embedded
    # 12,920 of 30,000 segments in 190 s.
    orient_e5_below: float = 0.60
    # Segmentation: fragments shorter than this are merged with a neighbour; longer bullets are
    # cut into sentences. Design choices (a segment is "one idea"), not fitted.
    min_segment_chars: int = 30
    max_segment_chars: int = 600
    # The largest text one note, table cell or feedback answer may hold (kilobytes of UTF-8);
    # a bigger one is set aside with its size (CORPUS_MAX_NOTE_KB changes it). Real notes:
    # 2-5 KB (the sample démarche), the longest real text seen 34 KB (a Grand Débat meeting
    # report). Here (2 cores shared with other jobs), a 255 KB note gave 2,142 segments in 19 s of
    # segmentation and 3 s of pseudonymisation, and spaCy holds about 3 GB a MB of one
    # paragraph (under 1 GB at this limit); a 20 MB note would take some 25 minutes of
    # segmentation alone. A choice with these figures, not fitted.
    max_note_kb: PositiveFloat = 256.0
    # From this many characters of new notes, the ingest segments its territories in other
    # processes (on the thread runner), not threads: spaCy holds Python's lock for part of each
    # parse. Measured in `corpus ingest` of the scale bench's 10,000 segments (2,198 notes of
    # 514 characters, 2 cores, 07/12/2026): two threads 122 notes/s, two processes 170, each
    # process some 7 s to start (Python, spaCy's model): even from about 3,000 such notes. A
    # choice from these figures, not fitted.
    ingest_processes_min_chars: PositiveInt = 1_500_000

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
    # The themes' smallest region is fixed, not grown with the corpus (issue 21): a dense region
    # of `themes_min_cluster_size` segments, its density read from `themes_min_samples`
    # neighbours, is a theme; a region is not split below `themes_cluster_epsilon` (HDBSCAN's
    # cluster_selection_epsilon, in UMAP units); no region holds more than
    # `themes_max_cluster_share` of the corpus (below). Tuned on the Grand Débat answers' tune
    # half (sorted questions, every other one; `bench/questions.py`, seeds 42 and 7 for the
    # 10 long-tail subsamples, `--shapes tail`: 5, 10 or 4 questions of 8 to 150 answers, any,
    # short or long answers, one questionnaire; seed 42 for the 11 even ones: 5 or 10
    # questions of 10, 40, 300 or 10-150 answers), read as answer-level NMI / recall of the
    # subjects below the median size / subsamples with a theme count in [q/2, 2q], long-tail
    # then even: 8, 5, 0.35: 0.475 / 0.43 / 9 of 10, 0.584 / 9 of 11; 8, 5, 0.45: 0.476 /
    # 0.37 / 9, 0.575 / 10 (but ten answers of one concern joined a subject of 100 in
    # tests/themes/test_small_subjects.py, which 0.35 keeps apart); 8, 5, 0.5: 0.467 / 0.23 /
    # 9, 0.563 / 11; 8, 3, 0.35: 0.477 / 0.51 / 7, 0.577 / 9; 10, 5, 0.35: 0.471 / 0.39 / 9,
    # 0.545 / 9; 10, 5, 0.45: 0.474 / 0.35 / 9, 0.537 / 10; 12, 5, 0.35: 0.473 / 0.35 / 10,
    # 0.547 / 9; 8, 8, 0.35: 0.465 / 0.43 / 9, 0.505 / 7; the former rule (0.25 n^0.65):
    # 0.447 / 0.17 / 10, 0.593 / 11; UMAP on 8 neighbours (the smallest theme) instead of 15,
    # 8, 5, 0.35: 0.453 / 0.61 / 6, 0.569 / 5. Without the share limit (8, 5, 0.35,
    # long-tail): 0.479 / 0.43 / 9. The limit is kept: without it, a subject of 10 segments
    # beside one of 12 that shares its words (apprentices' costs, 46 segments,
    # tests/themes/test_fit.py) joined it. Out of range in most settings: a question of 150
    # answers (« En qui faites-vous le plus confiance… ») split into its answers (the mayor,
    # the deputies, nobody…), and 5 questions of 300 answers into their sub-concerns.
    # Report half (`bench/questions.py --half report --shapes tail --no-all --seeds 42,7`):
    # NMI 0.419 (BERTopic's defaults 0.344, k-means told k 0.351), small-subject recall 0.26
    # (0.11, 0.04), theme count in [q/2, 2q] in 8 of 10.
    themes_min_cluster_size: int = 8
    themes_min_samples: int = 5
    themes_cluster_epsilon: float = 0.35
    # The coarse partition above the themes (the grands thèmes' base, `themes.groups.nest`):
    # the former themes rule, HDBSCAN's smallest region grown with the corpus as
    # max(3, scale * n ** exponent), no region above `themes_max_cluster_share` of the corpus.
    # Tuned on the same answers (16 even subsamples: themes within half and twice the questions
    # in all 16, NMI 0.527) when it gave the themes; its regions grouped by weighted Ward are
    # the grands thèmes. Meeting reports (`bench/themes.py --seeds 42,7 --by-region-half
    # --orientation none`), grands thèmes NMI on each half of the régions: 0.411 / 0.460 with
    # the themes nested under them (the former themes grouped themselves: 0.404 / 0.438,
    # measured with the same seeds on the commit this branch started from).
    # It reads its density from the same `themes_min_samples` neighbours
    # (before: HDBSCAN's default, its smallest region, 445 neighbours at 100,000 segments;
    # HDBSCAN on 100,000 points in 5 dimensions 35.2 s -> 8.2 s). Grands thèmes NMI on the
    # meeting reports (six seeds, captured layouts): whole 0.462 either way, tuning half 0.419
    # -> 0.416, report half 0.461 -> 0.462; 15 neighbours, the square root or a quarter of the
    # smallest region gave the same within 0.003.
    themes_min_cluster_scale: float = 0.25
    themes_min_cluster_exponent: float = 0.65
    themes_max_cluster_share: float = 1 / 3
    # Weight of the lemma LSA block next to the embedding (tuned with the above: 0.5 gave
    # NMI 0.527, 1.0 gave 0.493, on the same 16 subsamples).
    themes_lexical_weight: float = 0.5
    # A label's score is multiplied by this when it is a single word (2 to 4 words: 1.0), so
    # that a noun phrase written in two segments beats a lone key term. Chosen by reading the
    # sample démarche's labels (a judgement, not a measured optimum); with it, on the Grand
    # Débat questions' report half, 98.9% of labels are noun phrases written in >= 2 segments.
    themes_label_single_word_weight: float = 0.3
    # Headings chosen as queries (`themes.headings`): a one-word candidate heads a theme only
    # when it finds the theme's segments better than every phrase of two words or more by this
    # much AUC: a practitioner names a concern, not a keyword. A rule of reading taken over from
    # the `themes` branch (with 0, 9 of the sample's 21 headings were one word), not fitted.
    themes_heading_single_word_margin: float = 0.03
    # Of the candidates within this AUC of the best, a phrase written in the most segments
    # heads the theme: general enough to cover its quotes. Set on the Grand Débat meeting
    # reports, first 300 labelled units (bench/labels.py --reunions 300, seed 42, 18 themes),
    # by reading the headings: 0 gave AUC 0.774 (top term 0.696) with « Impact écologique »
    # (2 segments) for « Transition écologique » (20), « Services publics en zone » (1) for
    # « Services publics » (26); 0.05 gave 0.758 and « Transition écologique », « Services
    # publics », « Situation de handicap », « Votes blancs », « Évasion fiscale ». Reported on
    # the next 300 units (--skip 300): 0.773 against 0.695 (the former labels: 0.677).
    themes_heading_auc_tolerance: float = 0.05
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
    # A seed problématique (its text too short for its embedding to be compared with a theme
    # centroid) is recognised in a theme sharing this share of the shorter list of key terms,
    # and at least `theme_seed_min_shared_terms` of them (`themes.registry.match`). Set by hand
    # when seeds came in (commit a1eaab7), not fitted.
    theme_seed_min_overlap: float = 0.5
    theme_seed_min_shared_terms: int = 2
    # Fewer segments than this make one theme: too few to tell subjects apart (a design choice,
    # not fitted: HDBSCAN's smallest theme is 3 segments).
    themes_min_segments: int = 10
    # Dominant directions removed from the embeddings: this many when the vectors crowd in a
    # cone (squared norm of the mean unit vector, i.e. the mean pairwise cosine, at least
    # `themes_cone_cosine`: e5 0.84, USE 0.07), none otherwise ("all-but-the-top",
    # Mu & Viswanath 2018, who remove a few; set by these two measures, not tuned further).
    themes_cone_directions: int = 2
    themes_cone_cosine: float = 0.5
    # Up to this many segments UMAP gets exact neighbours by matrix products
    # (`themes.space.neighbours`; UMAP's own search calls Python per pair below 4,096 points):
    # on the Grand Débat questions' tune half the stage took 0.71x BERTopic's defaults' time
    # (was 1.82x), NMI 0.574 (0.563). Above, the n² products are left to UMAP's approximate
    # search: a cost bound (commit 22a41f1), not a quality optimum.
    themes_exact_neighbours_max: int = 20_000
    # A seed guides the segments whose cosine to it is at least the median of the segments'
    # best cosines (and at least `themes_guide_min_cosine`): they are moved this share towards
    # it (BERTopic's guided mode's 3-to-1 average). Not tuned on data.
    themes_guide_share: float = 0.25
    themes_guide_min_cosine: float = 0.2
    # Grands thèmes: the silhouette of a cut is computed on at most this many segments (it is
    # quadratic in their number; a cost bound, not fitted), and a cut whose largest group holds
    # more than `themes_group_max_share` of the themed segments is taken only when no other cut
    # is possible (a rule of reading: a part holding most of a synthesis structures nothing).
    themes_group_silhouette_sample: int = 3000
    themes_group_max_share: float = 0.6
    # Grands thèmes: k-means++ starts beside the nested cut's own (`themes.groups.least_spread`),
    # the least within-group variance kept. Meeting reports (bench/themes.py --seeds
    # 42,1,7,123,5,99 --by-region-half --orientation none), grands thèmes NMI on the tuning half
    # (Auvergne-Rhône-Alpes, Corse, Hauts-de-France, Nouvelle-Aquitaine), mean of six seeds:
    # the nested cut alone 0.387, its own start only 0.412, 10 starts 0.412, 20 0.418, 50 0.425,
    # 100 0.420, 200 0.420. Reported on the other half: 0.416 -> 0.457 (0.448 to 0.475); whole
    # set 0.435 -> 0.466 (0.429 to 0.481). At most `themes_group_restart_budget` theme-centre
    # distances per iteration summed over the starts (a cost bound, not fitted: 2,500 themes in
    # 50 groups take 0.17 s a start here; 190 themes in 4 groups, 0.002 s).
    themes_group_restarts: int = 50
    themes_group_restart_budget: int = 2_000_000

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
    # groups; 0 shows every theme as found. Checked on real answers (`bench/feedback.py
    # --draws 60 --seeds 42,7,1`, 08/12/2026: Grand Débat answers of 3 to 6 questions pooled
    # into pseudo-questions of 25 to 80): the threshold tuned on half the questions, 0.055,
    # scores 0.796 balanced accuracy on the other half, this one 0.791 (mixtures flagged 0.68,
    # one-subject themes kept 0.90): kept.
    feedback_theme_min_cohesion: float = 0.035
    # Bonus of a segment holding every content word of a query: e5 cosines of related French
    # sentences differ by a few hundredths, so this reorders near ties without letting a bag of
    # shared words beat a real paraphrase (set by hand).
    search_lexical_weight: float = 0.05
    # Seconds a second `corpus` process waits for the store's connection lock before giving up
    # (`corpus.store.database.Database`; a run waits for another run with the run lock below).
    store_lock_timeout_s: float = 600.0
    # Seconds a second run waits for the run holding the store (`corpus.store.runlock`): an
    # hour lets a nightly passage wait for a run started by hand (the sample démarche takes
    # minutes on 2 cores). A choice, not fitted; `--wait` or CORPUS_LOCK_TIMEOUT change it.
    run_lock_timeout_s: float = 3600.0

    # -- the process (CORPUS_<NAME>; not in `as_dict`: how a run is shown and scheduled) -------
    debug: bool = _process(False)  # tracebacks everywhere (`--debug`)
    progress: Literal["bar", "log", "off"] | None = _process()  # None: "bar" on a terminal
    progress_record: Path | None = _process()  # also append progress lines (JSON) to this file
    lock_timeout: PositiveFloat | None = _process()  # seconds; None: `run_lock_timeout_s`
    # Compute threads of an embedder (None: every core; `corpus.embed.base.default_threads`)
    # and the flows' thread pool (None: 2).
    threads: PositiveInt | None = _process()
    task_runner: Literal["threads", "dask"] = _process("threads")
    dask_address: str | None = _process()  # a Dask scheduler; None: a local cluster

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as exc:
            raise ConfigError(_explain(exc)) from None

    @field_validator("max_note_kb", mode="before")
    @classmethod
    def _decimal_comma(cls, value: Any) -> Any:
        return value.strip().replace(",", ".") if isinstance(value, str) else value

    @field_validator("progress", "task_runner", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    def with_(self, **changes: Any) -> Settings:
        """A copy with `changes` (checked like the constructor's arguments)."""
        unknown = sorted(set(changes) - set(type(self).model_fields))
        if unknown:
            raise ConfigError(f"réglage(s) inconnu(s) : {', '.join(unknown)}. Correction : "
                              "voyez les champs de corpus.config.Settings.")
        try:
            return type(self).model_validate({**dict(self), **changes})
        except ValidationError as exc:
            raise ConfigError(_explain(exc)) from None

    def as_dict(self) -> dict:
        """The run's settings, paths as text (run.json, cache keys)."""
        return {k: str(v) if isinstance(v, Path) else v for k, v in self.model_dump().items()}


_EXAMPLES = {"debug": "1 (ou 0)", "progress": "log (ou bar, off)", "lock_timeout": "600",
             "threads": "2", "task_runner": "threads (ou dask)"}


def _explain(exc: ValidationError) -> str:
    """The French message of a setting that does not parse: the variable, the value, the fix."""
    lines = []
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else "?"
        var = ENV_PREFIX + name.upper()
        example = _EXAMPLES.get(name)
        fix = f"export {var}={example}" if example else f"donnez à {var} une valeur valable"
        lines.append(f"{var}={error.get('input')!r} n'est pas un réglage valable. "
                     f"Correction : {fix}, ou retirez cette variable.")
    return " ".join(lines)


def default(name: str) -> Any:
    """A field's default value, as code written before a `Settings` is at hand takes it."""
    return Settings.model_fields[name].default


@functools.cache
def environment() -> Settings:
    """The settings as this process's environment gives them, read once, on first use.

    Whoever changes a `CORPUS_*` variable in-process (`--debug`) calls
    `environment.cache_clear()` after."""
    return Settings()


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
