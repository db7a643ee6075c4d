"""The participants' section of the synthesis: themes of the open answers, their link to the
note themes, mixed and too-few-answers cases said plainly; shared words only as a fallback."""

from __future__ import annotations

import re

import numpy as np
import pytest

from corpus.report.docx import build_docx
from corpus.report.html import render_html
from corpus.report.markdown import render_markdown
from corpus.synthesis.build import build_synthesis
from corpus.synthesis.feedback import QuestionThemes, answers_frame
from corpus.vectors import mean_direction

KEEP, MISSED, DO = "Ce que je retiens", "Ce qui m'a manqué", "Ce que je vais mettre en œuvre"


def _note_centroid(i, theme_id: str) -> np.ndarray:
    rows = np.flatnonzero(i.segments["theme_id"].to_numpy() == theme_id)
    return mean_direction(i.embeddings[rows])


def _question(i, question: str, members: dict[str, list[str]], *, grouped: bool = True,
              mixed: frozenset[str] = frozenset(), near: dict[str, str] | None = None):
    """Themes of one question's answers as `fit_feedback` gives them: `members` maps a theme
    label to feedback ids; the answers of a theme in `near` lie close to that note theme, the
    others anywhere."""
    rng = np.random.default_rng(5)
    dim = i.embeddings.shape[1]
    answers = answers_frame(i.feedback)
    ids = answers.loc[answers["question"] == question, "answer_id"].tolist()
    themes, theme_of = [], dict.fromkeys(ids)
    vectors = {aid: rng.normal(size=dim) for aid in ids}
    for n, (label, fids) in enumerate(members.items(), 1):
        tid = f"R{n:02d}"
        themes.append({"theme_id": tid, "label": label, "terms": label.lower().split(),
                       "cohesion": 0.0 if label in mixed else 0.2, "mixed": label in mixed})
        target = (near or {}).get(label)
        for fid in fids:
            aid = f"{fid}/{question}"
            theme_of[aid] = tid
            if target:
                vectors[aid] = _note_centroid(i, target) + 0.1 * rng.normal(size=dim)
    return QuestionThemes(question, ids, np.stack([vectors[a] for a in ids]), grouped, themes,
                          theme_of, dict.fromkeys(ids, 1.0), seed=3)


@pytest.fixture(scope="module")
def themed(synthesis_inputs):
    i = synthesis_inputs
    fitted = {
        KEEP: _question(i, KEEP, {"Financement des parcours": ["r01", "r05", "r06"],
                                  "Matinales d'interconnaissance": ["r02", "r03"],
                                  "Divers": ["r04"]},
                        mixed=frozenset({"Divers"}),
                        near={"Financement des parcours": "T001", "Divers": "T003"}),
        MISSED: _question(i, MISSED, {"Temps d'échange": ["r01", "r02", "r04", "r05", "r06"]},
                          grouped=False),
    }
    return build_synthesis(i.segments, i.themes, ateliers=i.ateliers, events=i.events,
                           territories=i.territories, feedback=i.feedback,
                           embeddings=i.embeddings, feedback_themes=fitted)


def _section(markdown: str) -> str:
    """The démarche's participants section."""
    start = markdown.index("### Ce qu'ont dit les participants")
    return markdown[start:markdown.index("### Acteurs présents", start)]


def _question_part(section: str, question: str) -> str:
    start = section.index(f"#### {question}")
    end = section.find("#### ", start + 1)
    return section[start:end if end > 0 else None]


def test_the_section_names_the_themes_of_the_answers_not_word_counts(themed):
    keep = _question_part(_section(render_markdown(themed)), KEEP)
    assert "**Financement des parcours** : 3 réponses" in keep
    assert "**Matinales d'interconnaissance** : 2 réponses" in keep
    assert "Mots partagés" not in keep
    assert not re.search(r"\(\d+ réponses?\), \w+ \(\d+ réponses?\)", keep)  # no word counts
    assert "« Le tableau des dates de commissions, on en a tous besoin »" in keep


def test_a_theme_that_speaks_of_a_note_theme_says_which(themed, synthesis_inputs):
    label = next(t["label"] for t in synthesis_inputs.themes if t["theme_id"] == "T001")
    keep = _question_part(_section(render_markdown(themed)), KEEP)
    line = next(x for x in keep.splitlines() if "Financement des parcours" in x)
    assert f"(rejoint le thème « {label} », T001)" in line
    other = next(x for x in keep.splitlines() if "Matinales" in x)
    assert "rejoint" not in other


def test_a_mixed_theme_is_not_given_a_subject_nor_a_link(themed):
    keep = _question_part(_section(render_markdown(themed)), KEEP)
    line = next(x for x in keep.splitlines() if "Réponses diverses" in x)
    assert "sans sujet commun" in line and "rejoint" not in line
    assert "**Divers**" not in keep
    assert keep.index("Réponses diverses") > keep.index("Matinales")  # after the real themes


def test_the_answers_without_a_subject_are_one_entry_however_many_themes_hold_them(
        synthesis_inputs):
    i = synthesis_inputs
    fitted = {KEEP: _question(i, KEEP, {"Financement des parcours": ["r01", "r05"],
                                        "Divers": ["r02", "r06"], "Autres": ["r03", "r04"]},
                              mixed=frozenset({"Divers", "Autres"}))}
    syn = build_synthesis(i.segments, i.themes, ateliers=i.ateliers, events=i.events,
                          territories=i.territories, feedback=i.feedback,
                          embeddings=i.embeddings, feedback_themes=fitted)
    keep = _question_part(_section(render_markdown(syn)), KEEP)
    lines = [x for x in keep.splitlines() if "Réponses diverses" in x]
    assert len(lines) == 1 and "**Réponses diverses** : 4 réponses sans sujet commun" in lines[0]
    # quotes of both themes in turn: the most central of each before a second of either
    said = answers_frame(i.feedback).set_index("answer_id")["text"]
    quotes = re.findall(r"^> « (.*) »", keep.split("Réponses diverses")[1], flags=re.M)
    assert quotes == [said[f"r02/{KEEP}"], said[f"r03/{KEEP}"], said[f"r06/{KEEP}"]]


def test_too_few_answers_are_said_to_make_one_theme(themed):
    missed = _question_part(_section(render_markdown(themed)), MISSED)
    assert "Trop peu de réponses (5) pour y distinguer des thèmes" in missed
    assert "**Temps d'échange** : 5 réponses" in missed


def test_a_question_without_embedded_answers_keeps_its_shared_words(themed):
    part = _question_part(_section(render_markdown(themed)), DO)
    assert "Pas de mot commun à plusieurs réponses" in part  # the words summary, as before
    assert "rejoint" not in part and "Trop peu" not in part


def test_html_and_docx_show_the_same_feedback_themes(themed):
    html = render_html(themed)
    assert "rejoint le thème" in html and "Financement des parcours" in html
    text = "\n".join(p.text for p in build_docx(themed).paragraphs)
    assert "rejoint le thème" in text and "Réponses diverses" in text
