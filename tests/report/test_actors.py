"""The actors section of the three files: one line a network, its structures in parentheses."""

from __future__ import annotations

import html as html_lib
import re

from docx import Document

from corpus.report.docx import write_docx
from corpus.report.html import render_html

HEADING = "### Acteurs présents et acteurs non mobilisés"
# From the fixture: the ateliers' "Mission locale" and the retours' local names.
MISSION_LOCALE = ("Mission locale (Mission Locale de Marseille, "
                  "Mission locale des Alpes-de-Haute-Provence)")


def actor_lines(markdown: str) -> list[list[str]]:
    """The bullet lines without a bold label of each actors section, démarche first."""
    sections = [s.split("\n#", 1)[0] for s in markdown.split(HEADING)[1:]]
    return [re.findall(r"^- (?!\*\*)(.+)$", s, flags=re.M) for s in sections]


def test_each_network_is_one_line_with_its_local_structures(synthesis, markdown):
    demarche = actor_lines(markdown)[0]
    assert MISSION_LOCALE in demarche
    assert "France Travail (Pôle emploi)" in demarche  # the old name, under the new one
    assert [line.split(" (")[0] for line in demarche].count("Mission locale") == 1
    assert not [line for line in demarche if line.startswith("Mission Locale de Marseille")]
    assert not re.search(r"Organisations présentes\*\* : (?!non renseignées)", markdown)
    for name in synthesis.demarche.actors.present:  # every name is still read
        assert any(name in line for line in demarche), name


def test_an_event_shows_only_its_own_local_structures(markdown):
    events = actor_lines(markdown)[1:]
    mission = [line for lines in events for line in lines if line.startswith("Mission locale")]
    assert "Mission locale (Mission Locale de Marseille)" in mission
    assert "Mission locale (Mission locale des Alpes-de-Haute-Provence)" in mission
    assert MISSION_LOCALE not in mission


def test_a_network_without_local_structure_has_no_parentheses(markdown):
    demarche = actor_lines(markdown)[0]
    assert "Apec" in demarche and "Organismes de formation" in demarche
    assert not any(line.endswith("()") for line in demarche)


def test_html_and_docx_show_the_same_network_lines(tmp_path, synthesis, markdown):
    page = html_lib.unescape(render_html(synthesis))
    body = [p.text for p in Document(str(write_docx(synthesis, tmp_path / "s.docx"))).paragraphs
            if p.style.name == "List Bullet"]
    for line in actor_lines(markdown)[0]:
        assert f"<li>{line}</li>" in page, line
        assert line in body, line
