"""Participants' open answers (retours): themes found by the notes' engine, linked to the note
themes they speak of, and an honest single theme when there are too few answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from theme_inputs import make_segments

from corpus.config import Settings
from corpus.embed import FakeEmbedder
from corpus.synthesis.build import build_synthesis
from corpus.synthesis.feedback import (
    QuestionThemes,
    answers_frame,
    cohesion,
    fit_feedback,
    link_feedback,
)
from corpus.vectors import unit

KEEP = "Ce que je retiens"
# Three subjects: two the notes speak of (financement du CPF, mobilité rurale) and one they do
# not (the day itself: the room, the lunch).
ABOUT_FINANCEMENT = [
    "Le financement CPF de la formation arrive trop tard.",
    "Personne ne connaît le reste à charge du CPF pour une formation.",
    "Le plan de financement de la formation mélange CPF, Région et OPCO.",
    "Les règles de financement CPF changent à chaque dossier de formation.",
    "Une fiche commune de financement CPF par formation, on en a besoin.",
    "Le dossier de financement CPF attend six semaines avant l'accord.",
]
ABOUT_MOBILITE = [
    "La mobilité en zone rurale bloque l'accès à l'emploi sans permis.",
    "Aucun bus ne dessert la zone rurale, la mobilité des jeunes est impossible.",
    "Le garage solidaire prête des voitures pour la mobilité en zone rurale.",
    "Le covoiturage rural aide la mobilité des salariés sans voiture.",
    "La mobilité rurale coûte cher : essence, voiture, assurance.",
    "Les plateformes mobilité rurale financent le permis de conduire.",
]
ABOUT_THE_DAY = [
    "Le buffet du déjeuner était excellent, merci aux cuisiniers.",
    "Le buffet était copieux et le café très bon.",
    "Un très bon buffet, et du café chaud toute la journée.",
    "Le café et le buffet étaient parfaits.",
    "Le buffet végétarien était excellent.",
    "Merci pour le café et le buffet du midi.",
]
SUBJECTS = {"financement": ABOUT_FINANCEMENT, "mobilite": ABOUT_MOBILITE,
            "journee": ABOUT_THE_DAY}


@pytest.fixture(scope="module")
def fake() -> FakeEmbedder:
    return FakeEmbedder(dim=64)


def feedback_frame(answers: list[str], question: str = KEEP) -> pd.DataFrame:
    """One participant per answer, in two events, as the store gives them back."""
    events = ["marseille/j1", "gap/j1"]
    return pd.DataFrame([
        {"feedback_id": f"r{i:02d}", "event_id": events[i % 2],
         "territory_id": events[i % 2].split("/")[0], "organisation": "Mission locale",
         "atelier_id": "", "ratings": {"Note globale (1 à 5)": 4},
         "answers": {question: text, "Ce qui m'a manqué": ""}}
        for i, text in enumerate(answers)
    ])


def subject_answers() -> list[str]:
    """The three subjects' answers, interleaved (the order must not matter)."""
    return [a for trio in zip(*SUBJECTS.values(), strict=True) for a in trio]


def note_inputs(fake: FakeEmbedder) -> tuple[pd.DataFrame, list[dict], np.ndarray]:
    """Note segments of three themes (financement, mobilité, numérique) and their vectors."""
    segs = make_segments()
    ids = {0: "T001", 1: "T002", 2: "T003"}
    labels = {"T001": "Financement du CPF", "T002": "Mobilité rurale",
              "T003": "Plateforme numérique"}
    segs["theme_id"] = segs["subject"].map(ids)
    segs["theme_label"] = segs["theme_id"].map(labels)
    segs = segs.rename(columns={"territory_id": "territory", "event_id": "event",
                                "atelier_id": "atelier"})
    themes = [{"theme_id": t, "label": label, "terms": []} for t, label in labels.items()]
    return segs, themes, fake.encode(segs["text"].tolist())


def fitted_themes(fake: FakeEmbedder, answers: list[str]):
    frame = answers_frame(feedback_frame(answers))
    return fit_feedback(frame, fake.encode(frame["text"].tolist()), settings=Settings())


def theme_of(fitted, text: str) -> str | None:
    frame = answers_frame(feedback_frame(subject_answers()))
    aid = frame.loc[frame["text"] == text, "answer_id"].iloc[0]
    return fitted[KEEP].theme_of[aid]


@pytest.fixture(scope="module")
def fitted(fake):
    return fitted_themes(fake, subject_answers())


@pytest.fixture(scope="module")
def summary(fake, fitted):
    segs, themes, vectors = note_inputs(fake)
    syn = build_synthesis(segs, themes, embeddings=vectors,
                          feedback=feedback_frame(subject_answers()), feedback_themes=fitted)
    return next(a for a in syn.demarche.feedback.answers if a.question == KEEP)


def test_answers_about_the_same_subject_share_a_theme(fitted):
    q = fitted[KEEP]
    assert q.grouped and q.n == len(subject_answers())
    majority = {}
    for name, answers in SUBJECTS.items():
        found = pd.Series([theme_of(fitted, a) for a in answers]).value_counts()
        assert found.iloc[0] >= len(answers) - 1, (name, found.to_dict())
        majority[name] = found.index[0]
    assert len(set(majority.values())) == 3  # three subjects, three themes


def test_a_feedback_theme_about_a_note_theme_is_linked_to_it(summary):
    by_answer = {q: t for t in summary.themes for q in t.quotes}
    financement = by_answer[next(a for a in ABOUT_FINANCEMENT if a in by_answer)]
    mobilite = by_answer[next(a for a in ABOUT_MOBILITE if a in by_answer)]
    assert financement.link is not None and financement.link.theme_id == "T001"
    assert financement.link.label == "Financement du CPF"
    assert mobilite.link is not None and mobilite.link.theme_id == "T002"


def test_a_feedback_theme_about_something_else_is_not_linked(summary):
    day = [t for t in summary.themes if any(q in ABOUT_THE_DAY for q in t.quotes)]
    assert day and all(t.link is None for t in day)


def test_feedback_themes_have_a_label_a_size_terms_and_quotes_as_written(summary):
    assert summary.themes and summary.grouped
    assert sum(t.n for t in summary.themes) + summary.outside == len(subject_answers())
    written = set(subject_answers())
    for t in summary.themes:
        assert t.label and t.terms
        assert 1 <= len(t.quotes) <= 3 and set(t.quotes) <= written
        assert len(t.quotes) == min(3, t.n)
    assert [t.n for t in summary.themes] == sorted((t.n for t in summary.themes), reverse=True)


def test_event_scopes_count_their_own_answers(fake, fitted):
    segs, themes, vectors = note_inputs(fake)
    syn = build_synthesis(segs, themes, embeddings=vectors,
                          feedback=feedback_frame(subject_answers()), feedback_themes=fitted)
    for event in syn.events:
        keep = next(a for a in event.feedback.answers if a.question == KEEP)
        own = set(answers_frame(feedback_frame(subject_answers())).query(
            "event_id == @event.key")["text"])
        assert sum(t.n for t in keep.themes) + keep.outside == len(own) == keep.n
        assert {q for t in keep.themes for q in t.quotes} <= own


def test_few_answers_make_one_theme_and_say_so(fake):
    few = ABOUT_FINANCEMENT[:2] + ABOUT_MOBILITE[:2] + ABOUT_THE_DAY[:2]
    fitted = fitted_themes(fake, few)
    syn = build_synthesis(*note_inputs(fake)[:2], feedback=feedback_frame(few),
                          feedback_themes=fitted)
    keep = next(a for a in syn.demarche.feedback.answers if a.question == KEEP)
    assert not keep.grouped and keep.n_fitted == len(few)
    assert len(keep.themes) == 1 and keep.themes[0].n + keep.outside == len(few)


def test_without_embedded_answers_the_shared_words_stay(fake):
    syn = build_synthesis(*note_inputs(fake)[:2], feedback=feedback_frame(subject_answers()))
    keep = next(a for a in syn.demarche.feedback.answers if a.question == KEEP)
    assert keep.themes == [] and ("buffet", 6) in keep.terms
    assert syn.demarche.feedback.ratings[0].n == len(subject_answers())


def test_an_answer_with_a_leftover_contact_is_never_used():
    frame = answers_frame(feedback_frame(["Appelez-moi au 06 12 34 56 78", "Le buffet"]))
    assert frame["text"].tolist() == ["Le buffet"]


@pytest.mark.parametrize("cone", [0.0, 4.0])
def test_the_link_rule_is_relative_to_how_cosines_spread(cone):
    """The same geometry, spread wide (USE) or packed in a cone (e5): the same links."""
    rng = np.random.default_rng(3)
    dim = 64
    common = unit(rng.normal(size=dim))
    notes = {f"T{i:03d}": unit(rng.normal(size=dim)) for i in range(1, 8)}
    subject = unit(rng.normal(size=dim))  # a subject the notes do not speak of
    rows = ([notes["T004"] + 0.8 * unit(rng.normal(size=dim)) for _ in range(6)]
            + [subject + 0.8 * unit(rng.normal(size=dim)) for _ in range(6)]
            + [unit(rng.normal(size=dim)) for _ in range(12)])

    def packed(v):
        return unit(unit(v) + cone * common)

    ids = [f"r{i:02d}/{KEEP}" for i in range(len(rows))]
    fitted = QuestionThemes(
        KEEP, ids, np.stack([packed(v) for v in rows]), True,
        [{"theme_id": t, "label": t, "terms": [], "cohesion": 0.2, "mixed": False}
         for t in ("R01", "R02", "R03")],
        {a: ("R01", "R02", "R03", "R03")[i // 6] for i, a in enumerate(ids)},
        dict.fromkeys(ids, 1.0), seed=11)
    linked = link_feedback({KEEP: fitted}, {t: packed(v) for t, v in notes.items()}, {},
                           min_beats=0.9)
    links = linked[KEEP].links
    assert "R01" in links and links["R01"].theme_id == "T004"
    assert "R02" not in links
    assert fitted.links == {}  # the fitted themes are left as they were


def test_a_mixed_theme_is_never_linked(fitted, summary):
    from dataclasses import replace

    q = fitted[KEEP]
    tid = next(t.theme_id for t in summary.themes if t.link and t.link.theme_id == "T001")
    themes = [dict(t, mixed=t["theme_id"] == tid) for t in q.themes]
    segs, _, vectors = note_inputs(FakeEmbedder(dim=64))
    centroids = {t: unit(vectors[segs["theme_id"].to_numpy() == t].mean(axis=0))
                 for t in ("T001", "T002", "T003")}
    linked = link_feedback({KEEP: replace(q, themes=themes)}, centroids, {}, min_beats=0.9)
    assert tid not in linked[KEEP].links and linked[KEEP].links


def test_cohesion_tells_one_subject_from_a_mix_and_ignores_the_cone():
    rng = np.random.default_rng(4)
    dim = 64
    subjects = [unit(rng.normal(size=dim)) for _ in range(4)]
    rows = np.stack([s + 0.7 * unit(rng.normal(size=dim)) for s in subjects for _ in range(8)])
    one = np.arange(8)  # eight answers on the first subject
    mix = np.array([0, 1, 8, 9, 16, 17, 24, 25])  # two answers on each subject
    assert cohesion(rows, mix) < Settings().feedback_theme_min_cohesion < 0.3 < cohesion(rows, one)
    common = unit(rng.normal(size=dim))
    packed = unit(unit(rows) + 4.0 * common)
    assert cohesion(packed, one) == pytest.approx(cohesion(rows, one), abs=0.05)


@pytest.mark.parametrize(
    ("feedback", "note", "holds"),
    [
        # a shared adjective, or a judgement of the day, is not a shared subject
        (("Court", ["atelier", "court", "temps"]), ("Voiture", ["voiture", "permis", "court"]),
         False),
        (("Prochain", ["prochain", "rendez-vous"]), ("Mobilité rurale", ["mobilité", "bus"]),
         False),
        # a shared noun is (plural or singular, accents or not)
        (("Financements CPF", ["financement", "formation"]),
         ("Financement des parcours", ["cpf", "financements"]), True),
        (("Mobilité", ["mobilite", "voiture"]), ("Voiture", ["voitures", "permis"]), True),
    ],
)
def test_a_link_holds_on_the_words_too(feedback, note, holds):
    from corpus.synthesis.feedback import subject_words

    (f_label, f_terms), (n_label, n_terms) = feedback, note
    shared = subject_words(f_label, *f_terms) & subject_words(n_label, *n_terms)
    assert bool(shared) is holds


@pytest.mark.slow
def test_an_adjective_the_tagger_reads_in_both_labels_is_no_shared_subject(nlp):
    from corpus.synthesis.feedback import subject_words

    feedback = ("Présélection commune", ["prochain", "commission", "restreindre"])
    note = ("Réunions d'info collectives communes", ["partager", "visite", "commun"])
    assert subject_words(feedback[0], *feedback[1]) & subject_words(note[0], *note[1])
    assert not (subject_words(feedback[0], *feedback[1], nlp=nlp)
                & subject_words(note[0], *note[1], nlp=nlp))
    # the nouns stay
    assert subject_words("Présélection commune", nlp=nlp) == {"preselection"}
    assert subject_words("Réunions d'info collectives communes", nlp=nlp) == {"info"}


def test_the_embedding_alone_does_not_link_a_theme_without_shared_words(fitted):
    """The same fitted themes as above, linked with the note themes' words: a feedback theme
    whose words share nothing with its nearest note theme stays unlinked."""
    segs, _, vectors = note_inputs(FakeEmbedder(dim=64))
    centroids = {t: unit(vectors[segs["theme_id"].to_numpy() == t].mean(axis=0))
                 for t in ("T001", "T002", "T003")}
    free = link_feedback(fitted, centroids, {}, min_beats=0.9)
    assert free[KEEP].links  # the embedding test alone links some
    none = link_feedback(fitted, centroids, {}, min_beats=0.9,
                         note_words=dict.fromkeys(centroids, ["buffet", "déjeuner"]))
    said = {t["theme_id"]: t for t in fitted[KEEP].themes}
    from corpus.synthesis.feedback import subject_words
    for tid in none[KEEP].links:
        assert subject_words(said[tid]["label"], *said[tid]["terms"]) & {"buffet", "dejeuner"}
    kept = link_feedback(fitted, centroids, {}, min_beats=0.9,
                         note_words={t: [] for t in centroids})
    assert kept[KEEP].links == {}
