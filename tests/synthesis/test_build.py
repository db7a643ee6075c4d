"""The end-of-event synthesis: what a practitioner or a researcher checks in it."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from corpus.synthesis.actors import actors_in_scope, match
from corpus.synthesis.build import build_synthesis
from corpus.synthesis.model import DIFF, LEV
from corpus.text.protect import leaks

EMAIL_SEGMENT = "marseille/2026-03-journee-cep/a01-ingenierie-financiere#006"


def _build(i, **changes):
    args = dict(ateliers=i.ateliers, events=i.events, territories=i.territories,
                feedback=i.feedback, embeddings=i.embeddings, previous=i.previous)
    args.update(changes)
    segments = args.pop("segments", i.segments)
    return build_synthesis(segments, i.themes, **args)


def _all_quotes(syn):
    scopes = [syn.demarche, *syn.territories, *syn.events]
    for scope in scopes:
        for entry in scope.difficulties + scope.levers:
            yield from entry.quotes
            for lever in entry.levers:
                yield from lever.quotes
    for theme in syn.themes:
        for quotes in theme.quotes.values():
            yield from quotes


def test_recurring_difficulties_are_ranked_by_ateliers_then_territories_then_size(synthesis):
    ranked = synthesis.demarche.difficulties
    # T001: 3 ateliers, 2 territories; T002: 2 and 2; T003 and T004: 2 and 1, 4 vs 3 segments.
    assert [e.theme_id for e in ranked] == ["T001", "T002", "T003", "T004"]
    keys = [(-e.n_ateliers, -e.n_territories, -e.n_segments) for e in ranked]
    assert keys == sorted(keys)
    assert "T005" not in {e.theme_id for e in ranked}  # one atelier only: not recurring


def test_a_theme_appears_in_both_lists_with_its_oriented_segments(synthesis_inputs, synthesis):
    seg = synthesis_inputs.segments
    diff = next(e for e in synthesis.demarche.difficulties if e.theme_id == "T001")
    lev = next(e for e in synthesis.demarche.levers if e.theme_id == "T001")
    t001 = seg[seg["theme_id"] == "T001"]
    assert diff.segment_ids == sorted(t001.loc[t001["orientation"] == DIFF, "segment_id"])
    assert lev.segment_ids == sorted(t001.loc[t001["orientation"] == LEV, "segment_id"])
    assert (diff.n_segments, lev.n_segments, diff.theme_size) == (6, 4, 10)
    assert [e.theme_id for e in synthesis.demarche.levers] == ["T001", "T004", "T002"]


def test_quotes_come_from_the_theme_segments_of_that_orientation_with_their_atelier(
    synthesis_inputs, synthesis
):
    seg = synthesis_inputs.segments.set_index("segment_id")
    for entry in synthesis.demarche.difficulties + synthesis.demarche.levers:
        assert 2 <= len(entry.quotes) <= 3
        for q in entry.quotes:
            assert q.segment_id in entry.segment_ids
            row = seg.loc[q.segment_id]
            assert (row["theme_id"], row["orientation"]) == (entry.theme_id, entry.orientation)
            assert (q.atelier, q.event, q.text) == (row["atelier"], row["event"], row["text"])
    t001 = next(t for t in synthesis_inputs.themes if t["theme_id"] == "T001")
    first_rep = next(s for s in t001["representative_segment_ids"]
                     if s != EMAIL_SEGMENT and seg.loc[s, "orientation"] == DIFF)
    assert synthesis.demarche.difficulties[0].quotes[0].segment_id == first_rep


def test_quotes_are_spread_over_ateliers_before_repeating_one(synthesis):
    t003 = next(e for e in synthesis.demarche.difficulties if e.theme_id == "T003")
    assert {q.atelier for q in t003.quotes[:2]} == {"a01-mobilite-rurale",
                                                    "a04-ingenierie-financiere"}


def test_no_quote_shows_an_email_or_a_phone_even_a_representative_one(synthesis):
    quotes = list(_all_quotes(synthesis))
    assert quotes
    assert all("@" not in q.text and not leaks(q.text) for q in quotes)
    assert all("[téléphone retiré]" not in q.text for q in quotes)
    assert EMAIL_SEGMENT not in {q.segment_id for q in quotes}


def test_a_segment_that_is_one_quotation_is_quoted_once(synthesis_inputs):
    """A scribe who wrote a participant's words between « » gets them quoted once, not
    « « … » »."""
    from corpus.synthesis.wording import clip

    seg = synthesis_inputs.segments.copy()
    said = dict(zip(seg["segment_id"], seg["text"], strict=True))
    seg["text"] = [f"« {t} »" if i % 2 else f'"{t}"' for i, t in enumerate(seg["text"])]
    plain = {i for i, t in said.items() if not set(t) & set('«»"“”')}
    quotes = [q for q in _all_quotes(_build(synthesis_inputs, segments=seg))
              if q.segment_id in plain]
    assert quotes
    assert all(q.text == clip(said[q.segment_id]) for q in quotes)


def test_figures_match_the_segments_and_the_themes_list(synthesis_inputs, synthesis):
    seg = synthesis_inputs.segments
    counts = synthesis.demarche.counts
    assert counts["segments"] == len(seg)
    for o in (DIFF, LEV, "autre"):
        assert counts[o] == int((seg["orientation"] == o).sum())
    assert counts["hors_theme"] == int(seg["theme_id"].isna().sum())
    themes = {t["theme_id"]: t for t in synthesis_inputs.themes}
    for summary in synthesis.themes:
        given = themes[summary.theme_id]
        assert summary.size == given["size"]
        assert summary.ateliers == given["ateliers"]
        assert summary.orientation_counts == given["orientation_counts"]
        assert summary.recurring == given["recurring"]


def test_event_scope_counts_only_its_own_segments_and_feedback(synthesis_inputs, synthesis):
    seg = synthesis_inputs.segments
    by_key = {e.key: e for e in synthesis.events}
    marseille = by_key["marseille/2026-03-journee-cep"]
    assert marseille.counts["segments"] == int((seg["event"] == marseille.key).sum()) == 17
    assert marseille.title.endswith("Marseille Provence (19 mars 2026)")
    assert [a.atelier for a in marseille.glance.ateliers] == [
        "a01-ingenierie-financiere", "a03-premier-accueil-numerique", "a10-interconnaissance"]
    assert marseille.glance.participants == 118
    assert marseille.feedback.n == 3
    rural = by_key["haute-provence/2026-06-journee-cep"]
    assert [e.theme_id for e in rural.difficulties] == ["T003"]
    assert rural.glance.methods == {"table d'instruction": 1, "world-café": 1}


def test_pistes_link_a_difficulty_to_levers_with_where_they_were_found(synthesis):
    t004 = next(e for e in synthesis.demarche.difficulties if e.theme_id == "T004")
    assert t004.levers and t004.levers[0].theme_id == "T004"
    match_ = t004.levers[0]
    # Difficulties voiced in Marseille only; a lever also found in Haute-Provence.
    assert match_.elsewhere
    assert "Alpes-de-Haute-Provence" in match_.territories
    assert {q.territory for q in match_.quotes} == {"Alpes-de-Haute-Provence",
                                                    "Marseille Provence"}
    assert all(q.segment_id.split("#")[0].endswith(q.atelier) for q in match_.quotes)
    sims = [m.similarity for e in synthesis.demarche.difficulties for m in e.levers]
    assert all(0.3 <= s <= 1.0 for s in sims)


def test_without_embeddings_there_are_no_pistes_and_no_map(synthesis_inputs):
    syn = _build(synthesis_inputs, embeddings=None)
    assert syn.map_points == []
    assert not syn.demarche.pistes
    assert [e.theme_id for e in syn.demarche.difficulties] == ["T001", "T002", "T003", "T004"]


def test_misaligned_embeddings_are_refused(synthesis_inputs):
    with pytest.raises(ValueError, match="embeddings"):
        _build(synthesis_inputs, embeddings=synthesis_inputs.embeddings[:5])


@pytest.mark.parametrize("as_json", [False, True])
def test_feedback_ratings_and_shared_terms_of_open_answers(synthesis_inputs, as_json):
    fb = synthesis_inputs.feedback.copy()
    if as_json:
        for col in ("ratings", "answers"):
            fb[col] = [json.dumps(v, ensure_ascii=False) for v in fb[col]]
    summary = _build(synthesis_inputs, feedback=fb).demarche.feedback
    assert summary.n == 6
    note = next(r for r in summary.ratings if r.column.startswith("Note globale"))
    assert (note.n, note.mean, note.distribution) == (6, 4.17, {"3": 1, "4": 3, "5": 2})
    use = next(r for r in summary.ratings if r.column.startswith("Utilité"))
    assert use.n == 5 and use.distribution["3,5"] == 1  # one participant left it empty
    keep = next(a for a in summary.answers if a.question == "Ce que je retiens")
    assert keep.n == 6
    assert ("financement", 2) in keep.terms and ("structures", 2) in keep.terms
    assert len(keep.quotes) == 2
    assert all(any(t in q.lower() for t, _ in keep.terms) for q in keep.quotes)
    missed = next(a for a in summary.answers if a.question == "Ce qui m'a manqué")
    assert missed.n == 5  # the empty answer is not counted


@pytest.mark.parametrize("name, actor", [
    ("Pôle emploi", "France Travail (ex-Pôle emploi)"),
    ("PE", "France Travail (ex-Pôle emploi)"),
    ("FRANCE TRAVAIL Digne", "France Travail (ex-Pôle emploi)"),
    ("Mission Locale de Marseille", "Mission locale"),
    ("Akto", "OPCO"),
    ("Opco EP", "OPCO"),
    ("Région Sud", "Région"),
    ("Chambre d’agriculture 04", "Chambre d'agriculture"),
    ("chambre d'agriculture", "Chambre d'agriculture"),
    ("Maison France Services de Barcelonnette", "Maison France services"),
    ("Cité des Métiers", "Cité des métiers"),
    ("GRETA Provence", "Organismes de formation"),
])
def test_organisations_match_the_reference_actors(name, actor):
    assert actor in [a.name for a in match(name)]


@pytest.mark.parametrize("name", ["Association Solidarité Femmes", "Opération Pentecôte",
                                  "Métropole Aix-Marseille-Provence"])
def test_unrelated_names_match_no_actor(name):
    assert match(name) == []


def test_actors_not_yet_mobilised_exclude_those_present(synthesis):
    actors = synthesis.demarche.actors
    assert "Pôle emploi" in actors.present and "Agefiph" in actors.present  # ateliers, retours
    assert not set(actors.mobilised) & set(actors.missing)
    for gone in ("France Travail (ex-Pôle emploi)", "Mission locale", "OPCO", "Région",
                 "Agefiph", "MSA"):
        assert gone in actors.mobilised
    for absent in ("Cap emploi", "CIO", "Entreprises", "Cabinets de recrutement", "CFA"):
        assert absent in actors.missing
    assert actors_in_scope(["France Travail"]).missing.count("Apec") == 1


def test_the_loop_reports_found_again_faded_and_new(synthesis):
    loop = synthesis.loop
    assert {(f["previous_theme_id"], f["theme_id"]) for f in loop.found_again} == {
        ("T001", "T001"), ("T007", "T003")}
    assert [f["previous_theme_id"] for f in loop.faded] == ["T009"]
    assert {n["theme_id"] for n in loop.new} == {"T002", "T004", "T005"}


def test_no_previous_run_means_no_loop(synthesis_inputs):
    assert _build(synthesis_inputs, previous=None).loop is None


def test_same_inputs_in_any_row_order_give_the_same_synthesis(synthesis_inputs, synthesis):
    order = np.random.default_rng(3).permutation(len(synthesis_inputs.segments))
    shuffled = synthesis_inputs.segments.iloc[order].reset_index(drop=True)
    again = _build(synthesis_inputs, segments=shuffled,
                   embeddings=synthesis_inputs.embeddings[order])
    assert again.to_dict() == synthesis.to_dict()


def test_store_column_names_are_accepted(synthesis_inputs, synthesis):
    stored = synthesis_inputs.segments.rename(
        columns={"territory": "territory_id", "event": "event_id", "atelier": "atelier_id"})
    assert _build(synthesis_inputs, segments=stored).to_dict() == synthesis.to_dict()


def test_map_has_one_point_per_segment_with_its_theme(synthesis_inputs, synthesis):
    seg = synthesis_inputs.segments.set_index("segment_id")
    assert len(synthesis.map_points) == len(seg)
    for sid, x, y, theme in synthesis.map_points:
        assert np.isfinite([x, y]).all()
        assert theme == (None if pd.isna(seg.loc[sid, "theme_id"]) else seg.loc[sid, "theme_id"])


def test_a_large_map_shows_a_sample_said_in_its_caption(synthesis_inputs, monkeypatch):
    from corpus.report.markdown import Chart, document
    from corpus.synthesis import build

    everything = _build(synthesis_inputs)
    monkeypatch.setattr(build, "MAP_POINTS", 5)
    syn = _build(synthesis_inputs)
    n = len(synthesis_inputs.segments)
    assert len(syn.map_points) == 5 and syn.map_total == n
    # the points shown are points of the whole map, at the same place
    whole = {p[0]: p for p in everything.map_points}
    assert all(whole[p[0]] == p for p in syn.map_points)
    # whatever the rows' order
    order = np.random.default_rng(3).permutation(n)
    shuffled = synthesis_inputs.segments.iloc[order].reset_index(drop=True)
    again = _build(synthesis_inputs, segments=shuffled,
                   embeddings=synthesis_inputs.embeddings[order])
    assert again.map_points == syn.map_points
    caption = next(b.caption for b in document(syn) if isinstance(b, Chart) and b.name == "carte")
    assert caption.endswith(f"; 5 segments sur {n}, tirés au hasard")
    full = next(b.caption for b in document(everything)
                if isinstance(b, Chart) and b.name == "carte")
    assert "tirés" not in full


def test_a_corpus_without_themes_still_synthesises(synthesis_inputs):
    seg = synthesis_inputs.segments.assign(theme_id=None, theme_label=None)
    syn = build_synthesis(seg, [], embeddings=synthesis_inputs.embeddings)
    assert syn.demarche.difficulties == [] and syn.themes == []
    assert syn.demarche.counts["hors_theme"] == len(seg)


@pytest.mark.parametrize(
    ("lines", "shown"),
    [
        (["Méthode des échos. Exposante : conseillère VAE. 14 participants."],
         "Méthode des échos ; Exposante : conseillère VAE ; 14 participants"),
        (["World-café, 3 tables, 22 participants.", "Scribe : conseiller Cap emploi"],
         "World-café, 3 tables, 22 participants ; Scribe : conseiller Cap emploi"),
        (["Atelier 10 – Faire découvrir l'industrie aux femmes", "Anti-problème puis "
          "retournement.", "13 participants (FT, ML, CIO)."],  # its name: its question says it
         "Anti-problème puis retournement ; 13 participants (FT, ML, CIO)"),
        (["Anti-problème : « Comment faire pour qu'aucune femme ne choisisse le BTP ?",
          "», puis retournement des idées.", "19 participants."],  # cut inside the quotation
         "Anti-problème : « Comment faire pour qu'aucune femme ne choisisse le BTP ? », puis "
         "retournement des idées ; 19 participants"),
    ],
)
def test_the_atelier_line_says_how_it_ran(lines, shown):
    from corpus.synthesis.build import ran_as

    assert ran_as(lines) == shown


def test_a_deroule_line_is_shown_with_its_atelier_never_quoted_or_counted(synthesis_inputs):
    seg = synthesis_inputs.segments.copy()
    first = seg.iloc[0]
    ran = "Méthode des échos. Exposante : conseillère VAE. 14 participants."
    seg = seg.assign(kind="contenu")
    seg.loc[0, ["text", "kind", "orientation", "theme_id"]] = [ran, "deroule", "levier", "T001"]
    syn = _build(synthesis_inputs, segments=seg)
    key = f"{first['event']}/{first['atelier']}"
    line = next(a for a in syn.demarche.glance.ateliers if a.key == key)
    assert line.deroule == "Méthode des échos ; Exposante : conseillère VAE ; 14 participants"
    assert all(q.segment_id != first["segment_id"] for q in _all_quotes(syn))
    assert syn.demarche.counts["segments"] == len(seg) - 1
    assert all(first["segment_id"] not in t.segment_ids for t in syn.themes)


def test_the_nearest_lever_themes_are_those_a_full_sort_gives_ties_included():
    from corpus.synthesis.context import _top

    rng = np.random.default_rng(0)
    for size in (1, 2, 3, 5, 50):
        for _ in range(50):
            values = rng.integers(0, 4, size).astype(float) / 4  # many ties
            for n in (1, 3):
                assert _top(values, n).tolist() == np.argsort(-values, kind="stable")[:n].tolist()

