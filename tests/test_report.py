"""The rendered synthesis: Markdown, self-contained HTML, DOCX, charts."""

from __future__ import annotations

import copy
import re

import pytest
from docx import Document

from corpus.text.protect import leaks
from corpus.report import charts
from corpus.report.docx import write_docx
from corpus.report.html import render_html, write_html
from corpus.report.markdown import render_markdown, write_markdown
from corpus.synthesis.build import build_synthesis
from corpus.synthesis.model import Quote

SECTIONS = ("La démarche en un coup d'œil", "Ce que disent les notes",
            "Difficultés du métier récurrentes", "Leviers récurrents",
            "Pistes : des leviers pour les difficultés majeures", "Ce qu'ont dit les participants",
            "Acteurs présents et acteurs non mobilisés",
            "La boucle : problématiques de la démarche précédente")


@pytest.fixture(scope="module")
def markdown(synthesis):
    return render_markdown(synthesis)


@pytest.fixture(scope="module")
def html(synthesis):
    return render_html(synthesis)


def _md_headings(text: str) -> list[str]:
    return [re.sub(r"\\(.)", r"\1", m) for m in re.findall(r"^#{1,6} (.+)$", text, flags=re.M)]


def test_markdown_has_the_sections_a_practitioner_expects(markdown):
    headings = _md_headings(markdown)
    for section in SECTIONS:
        assert section in headings
    assert headings.count("Difficultés du métier récurrentes") == 3  # démarche + 2 events


def test_markdown_counts_are_the_input_counts(synthesis_inputs, markdown):
    seg = synthesis_inputs.segments
    n = seg["orientation"].value_counts()
    assert (f"{len(seg)} segments de notes : {n['difficulte']} difficultés, "
            f"{n['levier']} leviers, {n['autre']} autres") in markdown
    themes = {t["theme_id"]: t for t in synthesis_inputs.themes}
    t001 = themes["T001"]
    assert (f"#### 1. {t001['label']} (T001)\n\n- **Vu dans** : 3 ateliers, 2 territoires "
            f"(Alpes-de-Haute-Provence, Marseille Provence) ; "
            f"{t001['orientation_counts']['difficulte']} segments orientés difficulté sur "
            f"{t001['size']} segments du thème") in markdown
    marseille = seg[seg["event"] == "marseille/2026-03-journee-cep"]["orientation"].value_counts()
    assert (f"{marseille.sum()} segments de notes : {marseille['difficulte']} difficultés"
            in markdown)
    assert "| Note globale (1 à 5) | 6 | 4,17 | 3 : 1 ; 4 : 3 ; 5 : 2 |" in markdown


def test_each_quote_names_its_territory_atelier_and_segment(synthesis_inputs, markdown):
    seg = synthesis_inputs.segments.set_index("segment_id")
    names = dict(synthesis_inputs.territories[["territory_id", "name"]].to_numpy())
    sources = re.findall(r"^> — (.+) · atelier (\S+) · (\S+)$", markdown, flags=re.M)
    assert len(sources) > 10
    for territory, atelier, segment_id in sources:
        assert names[seg.loc[segment_id, "territory"]] == territory
        assert seg.loc[segment_id, "atelier"] == atelier
        assert segment_id.startswith(seg.loc[segment_id, "event"])


def test_no_email_phone_or_name_in_any_rendering(synthesis, markdown, html):
    page = re.sub(r"<style>.*?</style>", "", html, flags=re.S)  # CSS has its own "@media"
    for text in (markdown, page):
        assert leaks(text) == [] and "@" not in text
        for name in ("Nadia Belkacem", "Lefèvre", "06 12"):
            assert name not in text


def test_the_final_guard_drops_a_leaking_quote(synthesis):
    syn = copy.deepcopy(synthesis)
    entry = syn.demarche.difficulties[0]
    bad = Quote("x#001", "Appeler le 06 12 34 56 78 ou ecrire a a.b@exemple.fr", "T", "e", "a")
    entry.quotes = [bad, *entry.quotes]
    syn.demarche.glance.events[0]["place"] = "Salle B, contact 04 91 23 45 67"
    text = render_markdown(syn)
    assert leaks(text) == [] and "@" not in text
    assert "Appeler le" not in text
    assert "téléphone retiré" in text


def test_html_is_self_contained(html):
    assert html.startswith("<!DOCTYPE html>") and '<html lang="fr">' in html
    assert '<meta charset="utf-8">' in html
    lowered = html.lower()
    for external in ("http", "src=", "<script", "<link", "@import", "<img", "<iframe",
                     "data:", "<image"):
        assert external not in lowered, external
    assert re.findall(r"url\((?!#)", lowered) == []
    assert html.count("<svg") == 3
    assert "<text" in html  # chart text stays text (svg.fonttype = none)


def test_html_chart_ids_are_unique_on_the_page(html):
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    for ref in re.findall(r'href="#([^"]+)"', html) + re.findall(r"url\(#([^)]+)\)", html):
        assert ref in ids


def test_html_has_the_same_headings_as_the_markdown(markdown, html):
    import html as html_lib

    found = [html_lib.unescape(h) for h in re.findall(r"<h\d id=\"[^\"]+\">(.+?)</h\d>", html)]
    assert found == _md_headings(markdown)


def test_docx_opens_and_has_the_markdown_headings_and_charts(tmp_path, synthesis, markdown):
    path = write_docx(synthesis, tmp_path / "synthese.docx")
    doc = Document(str(path))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == _md_headings(markdown)
    assert len(doc.inline_shapes) == 3
    body = "\n".join(p.text for p in doc.paragraphs)
    assert leaks(body) == [] and "Difficultés du métier récurrentes" in body
    assert len(doc.tables) >= 3


def test_outputs_are_written_and_reproducible(tmp_path, synthesis):
    md1 = write_markdown(synthesis, tmp_path / "a" / "synthese.md").read_bytes()
    md2 = write_markdown(synthesis, tmp_path / "b" / "synthese.md").read_bytes()
    h1 = write_html(synthesis, tmp_path / "a" / "synthese.html").read_bytes()
    h2 = write_html(synthesis, tmp_path / "b" / "synthese.html").read_bytes()
    assert md1 == md2 and h1 == h2
    assert "é".encode() in md1


def test_charts_are_deterministic(synthesis):
    for name in charts.CHARTS:
        first = charts.svg(charts.figure(name, synthesis), name)
        again = charts.svg(charts.figure(name, synthesis), name)
        assert first == again
        assert first.startswith("<svg") and "xmlns" not in first
        assert charts.png(charts.figure(name, synthesis))[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_orientation_chart_shows_the_recurring_themes(synthesis):
    svg = charts.svg(charts.figure("orientations", synthesis), "o")
    for label in ("T001 · Financement des parcours de formation", "Difficultés", "Leviers"):
        assert label in svg
    assert "T005" not in svg  # not recurring


def test_a_synthesis_without_embeddings_still_renders(synthesis_inputs):
    i = synthesis_inputs
    syn = build_synthesis(i.segments, i.themes, ateliers=i.ateliers, events=i.events,
                          territories=i.territories)
    html = render_html(syn)
    assert html.count("<svg") == 2
    assert "Carte des segments" in html and "pas assez de données" in html
    assert "Aucun levier proche des difficultés majeures" in render_markdown(syn)
