"""`synthese.md`: the sections, counts and quotes a practitioner reads, without contacts."""

from __future__ import annotations

import copy
import re

from corpus.report.markdown import render_markdown, write_markdown
from corpus.synthesis.model import Quote
from corpus.text.protect import leaks

SECTIONS = ("La démarche en un coup d'œil", "Ce que disent les notes",
            "Difficultés du métier récurrentes", "Leviers récurrents",
            "Pistes : des leviers pour les difficultés majeures", "Ce qu'ont dit les participants",
            "Acteurs présents et acteurs non mobilisés",
            "La boucle : problématiques de la démarche précédente")


def test_markdown_has_the_sections_a_practitioner_expects(markdown_headings):
    for section in SECTIONS:
        assert section in markdown_headings
    assert markdown_headings.count("Difficultés du métier récurrentes") == 3  # démarche + 2 events


def test_the_synthesis_is_organised_by_grands_themes(synthesis_inputs, markdown):
    groups = {t["group_id"]: t["group_label"] for t in synthesis_inputs.themes}
    assert "### Les grands thèmes" in markdown
    démarche = markdown.split("\n## ")[1]  # the démarche's own section
    difficulties = démarche.split("### Difficultés du métier récurrentes")[1].split("\n### ")[0]
    headings = re.findall(r"^#### Grand thème : (.+) \((G\d+)\)$", difficulties, flags=re.M)
    assert headings and {gid for _, gid in headings} <= set(groups)
    assert all(groups[gid] == label for label, gid in headings)
    # every theme sits under its own grand thème
    for part in difficulties.split("#### Grand thème : ")[1:]:
        gid = re.match(r".+ \((G\d+)\)", part).group(1)
        for tid in re.findall(r"^##### \d+\. .+ \((T\d+)\)$", part, flags=re.M):
            assert next(t for t in synthesis_inputs.themes if t["theme_id"] == tid)[
                "group_id"] == gid


def test_markdown_counts_are_the_input_counts(synthesis_inputs, markdown):
    seg = synthesis_inputs.segments
    n = seg["orientation"].value_counts()
    assert (f"{len(seg)} segments de notes : {n['difficulte']} difficultés, "
            f"{n['levier']} leviers, {n['autre']} autres") in markdown
    themes = {t["theme_id"]: t for t in synthesis_inputs.themes}
    t001 = themes["T001"]
    assert (f"##### 1. {t001['label']} (T001)\n\n- **Vu dans** : 3 ateliers, 2 territoires "
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


def test_no_email_phone_or_name_in_the_markdown(markdown):
    assert leaks(markdown) == [] and "@" not in markdown
    for name in ("Nadia Belkacem", "Lefèvre", "06 12"):
        assert name not in markdown


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


def test_without_embeddings_the_pistes_say_none_was_found(bare_synthesis):
    assert "Aucun levier proche des difficultés majeures" in render_markdown(bare_synthesis)


def test_the_markdown_file_is_utf8_and_reproducible(tmp_path, synthesis):
    first = write_markdown(synthesis, tmp_path / "a" / "synthese.md").read_bytes()
    again = write_markdown(synthesis, tmp_path / "b" / "synthese.md").read_bytes()
    assert first == again
    assert "é".encode() in first

