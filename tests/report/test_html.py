"""`synthese.html`: one self-contained page, opened offline from an e-mail attachment."""

from __future__ import annotations

import copy
import html as html_lib
import re

import pytest

from corpus.report.html import render_html, write_html
from corpus.text.protect import leaks


@pytest.fixture(scope="module")
def html(synthesis):
    return render_html(synthesis)


def test_html_is_self_contained(html):
    assert html.startswith("<!DOCTYPE html>") and '<html lang="fr">' in html
    assert '<meta charset="utf-8">' in html
    lowered = html.lower()
    for external in ("http", "src=", "<script", "<link", "@import", "<img", "<iframe",
                     "data:", "<image"):
        assert external not in lowered, external
    assert re.findall(r"url\((?!#)", lowered) == []
    assert lowered.count("<style>") == 1 and "--lev: #2a9d8f" in html  # the CSS is inlined
    assert html.count("<svg") == 3
    assert "<text" in html  # chart text stays text (svg.fonttype = none)


def test_html_chart_ids_are_unique_on_the_page(html):
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    for ref in re.findall(r'href="#([^"]+)"', html) + re.findall(r"url\(#([^)]+)\)", html):
        assert ref in ids


def test_html_has_the_same_headings_as_the_markdown(markdown_headings, html):
    found = [html_lib.unescape(h) for h in re.findall(r"<h\d id=\"[^\"]+\">(.+?)</h\d>", html)]
    assert found == markdown_headings


def test_the_table_of_contents_links_every_section_after_the_introduction(html):
    nav = re.search(r"<nav><strong>Sommaire</strong><ol>(.*?)</ol></nav>", html).group(1)
    links = re.findall(r'<li><a href="#([^"]+)">(.+?)</a></li>', nav)
    sections = re.findall(r'<h2 id="([^"]+)">(.+?)</h2>', html)
    assert len(sections) > 3 and links == sections
    assert html.index("Chaque citation renvoie") < html.index("<nav>") < html.index("<h2")


def test_no_email_phone_or_name_in_the_page(html):
    page = re.sub(r"<style>.*?</style>", "", html, flags=re.S)  # CSS has its own "@media"
    assert leaks(page) == [] and "@" not in page
    for name in ("Nadia Belkacem", "Lefèvre", "06 12"):
        assert name not in page


def test_text_that_looks_like_markup_is_shown_as_text(synthesis):
    syn = copy.deepcopy(synthesis)
    syn.title = "Synthèse <b>Marseille</b> & Alpes"
    syn.demarche.difficulties[0].label = "Financement <script>alert(1)</script>"
    page = render_html(syn)
    assert "<title>Synthèse &lt;b&gt;Marseille&lt;/b&gt; &amp; Alpes</title>" in page
    assert "Financement &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page.lower() and "<b>" not in page


def test_without_embeddings_the_map_says_there_is_not_enough_data(bare_synthesis):
    page = render_html(bare_synthesis)
    assert page.count("<svg") == 2
    assert ('<p class="muted">Carte des segments (analyse en composantes principales), '
            "couleur = thème : pas assez de données.</p>") in page


def test_the_html_file_is_utf8_and_reproducible(tmp_path, synthesis):
    first = write_html(synthesis, tmp_path / "a" / "synthese.html").read_bytes()
    again = write_html(synthesis, tmp_path / "b" / "synthese.html").read_bytes()
    assert first == again
    assert "é".encode() in first
