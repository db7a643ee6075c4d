"""Names found by rule (corpus.text.names) and the evaluation set of tests/fixtures/protect/.

Fast tests use a small finder whose first names and French words are given here; the slow
test reads the whole evaluation set with the real spaCy model and the general resources.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.text.names import NameFinder
from corpus.text.protect import Pseudonymiser

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "protect" / "names.jsonl"
FIRST = frozenset({"karim", "claire", "marie", "jean", "marc", "lucie", "tomasz", "rose",
                   "sophie", "olivier", "mai"})
WORDS = frozenset({"claire", "rose", "olivier", "le", "la", "de", "et", "voir", "avec", "plan",
                   "mai", "belle", "propose", "annuaire", "idee", "participants", "dit",
                   "fontaine", "village"})
FINDER = NameFinder(FIRST, WORDS)


def names_in(text: str, **kw) -> list[str]:
    pseudo = Pseudonymiser("s", finder=FINDER, communes=frozenset({"sisteron", "gap"}), **kw)
    return [text[s:e] for s, e in pseudo.person_spans(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Dr Benhamou insiste sur la prévention", ["Benhamou"]),
    ("Me Ouedraogo propose une permanence", ["Ouedraogo"]),
    ("- Pr Anne-Sophie de La Villardière présente l'étude", ["Anne-Sophie de La Villardière"]),
    ("Contact : J. Wiśniewski, APEC Marseille", ["J. Wiśniewski"]),
    ("Contact : Ferreira J., France Travail", ["Ferreira J."]),
    ("Jean-Marc Peyrolle rappelle que le CIO reçoit", ["Jean-Marc Peyrolle"]),
    ("retour de karim haddad : la plateforme", ["karim haddad"]),
    ("voir avec m. benali pour les salles", ["benali"]),
    ("Participants : Assane Ndiaye, Ewa Kamińska (Greta)", ["Assane Ndiaye", "Ewa Kamińska"]),
    ("Tomasz et Rui n'ont pas pu venir", ["Tomasz", "Rui"]),
    ("Olivier Van der Meulen (APEC) présente", ["Olivier Van der Meulen"]),
])
def test_rules_find_the_name(text: str, expected: list[str]) -> None:
    assert names_in(text) == expected


@pytest.mark.parametrize("text", [
    "Claire amélioration du plan de formation",   # a French word opening a sentence
    "la Rose des vents, à Sisteron",             # article before the word; a commune
    "France services de la Belle de Mai",        # organisation, a place name
    "Pôle emploi et la Mission locale de Gap partagent leurs agendas",
    "Les conseillers de l'APEC et de l'AFPA se retrouvent en juin",
])
def test_rules_leave_words_organisations_and_places(text: str) -> None:
    assert names_in(text) == []


def test_manifest_names_match_in_part_and_in_any_case() -> None:
    names = ["Valérie Marchetti", "Hugo Fontaine"]
    assert names_in("marchetti propose un annuaire", known_names=names) == ["marchetti"]
    assert names_in("Comme l'a dit Valérie", known_names=names) == ["Valérie"]
    assert names_in("FONTAINE Hugo (exposant)", known_names=names) == ["FONTAINE Hugo"]
    # A part that is also a French word is matched only as a name is written.
    assert names_in("la fontaine du village", known_names=names) == []


@pytest.mark.slow
def test_evaluation_set_reaches_the_targets(nlp) -> None:
    """Recall >= 98 % on person names and >= 99 % of organisations, places and ordinary
    words kept, on each half of the evaluation set (rules were tuned on `tune`)."""
    from corpus.config import Settings
    from corpus.text import places
    from corpus.text.names import name_finder
    from corpus.text.protect_eval import halves, load_rows, pipeline_spans, score

    settings = Settings()
    spans_of = pipeline_spans(nlp, places.french_communes(settings.models_dir),
                              name_finder(settings.models_dir, settings.spacy_model))
    rows = load_rows(FIXTURE)
    assert sum(len(r.persons) for r in rows) >= 250
    for name, part in halves(rows).items():
        result = score(part, spans_of)
        assert result.recall >= 0.98, (name, result.missed)
        assert result.kept_share >= 0.99, (name, result.touched)


def test_names_found_by_a_copy_in_another_process_protect_the_same():
    """The ingest looks for names where each territory is segmented, with a pickled copy of the
    démarche's pseudonymiser: what it protects must be what the one pseudonymiser protects,
    names learned in one territory included (« Haddad » alone, given in full elsewhere)."""
    import pickle

    from corpus.records import Segment
    from corpus.text.protect import names_found, protect_segments

    texts = ["Karim Haddad présente la plateforme de la Mission locale.",
             "Voir avec Haddad pour les salles ; Marie Fontaine propose un annuaire.",
             "Mme Tessier rappelle le calendrier. Contact : 06 12 34 56 78"]
    segs = [Segment(segment_id=f"d{i}#000", doc_id=f"d{i}", territory_id=f"t{i}",
                    event_id=f"t{i}/e", atelier_id="a", position=0, text=t)
            for i, t in enumerate(texts)]

    def pseudo():
        return Pseudonymiser("s", known_names=["Rose Olivier"], finder=FINDER,
                             communes=frozenset({"sisteron"}))

    copy = pickle.loads(pickle.dumps(pseudo()))
    found = [f for seg in segs for f in names_found([seg], copy)]  # one territory at a time
    alone, with_found = protect_segments(segs, pseudo()), protect_segments(segs, pseudo(), found)
    assert [s.text for s in with_found] == [s.text for s in alone]
    joined = " ".join(s.text for s in alone)
    assert "Haddad" not in joined and "Tessier" not in joined and "06 12" not in joined


def test_the_word_lists_kept_in_models_dir_are_the_lists_spacy_gives(tmp_path):
    """The ingest's main process reads the French words and the verbs of speech from files
    (no spaCy to load before the territories' processes start): the same words as spaCy's
    tables give, and the same again when read back from the files."""
    from corpus.text.name_lists import french_words
    from corpus.text.speakers import speech_forms

    kept = french_words("fr_core_news_sm", tmp_path)
    assert kept == french_words("fr_core_news_sm") and "fontaine" in kept
    assert speech_forms("fr_core_news_sm", tmp_path) == speech_forms("fr_core_news_sm")
    written = sorted(p.name for p in tmp_path.iterdir())
    assert [n.split("-fr_core")[0] for n in written] == ["french-words", "speech-forms"]
    french_words.cache_clear()
    assert french_words("fr_core_news_sm", tmp_path) == kept  # read from the file
