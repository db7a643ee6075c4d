"""No output of a real run shows an e-mail, a phone number or a name the manifests list.

The shipped sample's notes carry contacts (names, e-mails, phones) and its manifests list
the trinômes (exposant, gardien, scribe) and contacts. Every file a user may open or send is
read as text: the run's outputs (Parquet, JSON, Markdown, HTML, the DOCX's paragraphs and
tables), the four exports, the store's text tables, and the Prefect artifacts and logs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from corpus.export import FORMATS, export
from corpus.forget import file_text
from corpus.ingest import read_demarche
from corpus.store import Store
from corpus.text.names import french_words
from corpus.text.protect import leaks, name_pattern

pytestmark = pytest.mark.slow
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
STORE_TEXTS = {
    "segments": "text, lemmas, theme_label, tags", "feedback": "answers, organisation, answer_tags",
    "themes": "label, terms, payload", "theme_history": "label",
}


def manifest_names() -> list[str]:
    demarche = read_demarche(SAMPLE)
    names = {p for e in demarche.events for p in e.people}
    names |= {p for w in demarche.workshops for p in w.people}
    return sorted(names)


def docx_text(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def prefect_texts() -> dict[str, str]:
    """The artifacts and log lines the session's Prefect server holds."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts()
        logs = client.read_logs()
    return {"prefect artifacts": "\n".join(str(a.data) + str(a.description or "")
                                           for a in artifacts),
            "prefect logs": "\n".join(log.message for log in logs)}


@pytest.fixture(scope="module")
def every_text(sample_run, tmp_path_factory) -> dict[str, str]:
    tmp, params, _ = sample_run
    out = Path(params.out)
    texts = {f"sorties/{f.name}": (docx_text(f) if f.suffix == ".docx" else file_text(f))
             for f in sorted(out.iterdir()) if f.is_file()}
    exports = tmp_path_factory.mktemp("exports")
    store = Store(params.store)
    for fmt in FORMATS:
        for path in export(store, fmt, exports / fmt):
            texts[f"export {fmt}/{path.name}"] = file_text(path)
    for table, columns in STORE_TEXTS.items():
        frame = store.read_only_sql(f"SELECT {columns} FROM {table}")
        texts[f"base/{table}"] = "\n".join(map(str, frame.to_numpy().ravel()))
    texts.update(prefect_texts())
    return texts


def test_every_output_file_was_read(every_text) -> None:
    for name in ("segments.parquet", "documents.parquet", "themes.json", "synthese.md",
                 "synthese.html", "synthese.docx", "problematiques.json", "problematiques.md",
                 "run.json"):
        assert every_text.get(f"sorties/{name}"), name
    assert any(k.startswith("export qdpx") for k in every_text)
    assert any(k.startswith("export iramuteq") for k in every_text)
    assert "Personne " in every_text["sorties/segments.parquet"]


def test_no_email_nor_phone_anywhere(every_text) -> None:
    found = {where: leaks(text) for where, text in every_text.items() if leaks(text)}
    assert found == {}


def test_no_manifest_name_anywhere(every_text) -> None:
    names = manifest_names()
    assert len(names) >= 20  # the sample's trinômes and contacts
    words = french_words()
    found = {}
    for name in names:
        pattern = name_pattern(name, words)
        for where, text in every_text.items():
            hits = {m.group(0) for m in pattern.finditer(text)} if pattern else set()
            # A first name that is also a word of the domain ("Florence" is read as a place
            # only after "à"); report every hit with its context to judge.
            if hits:
                found.setdefault(name, []).append(
                    (where, sorted(hits), _context(text, pattern)))
    assert found == {}


def _context(text: str, pattern: re.Pattern) -> str:
    m = pattern.search(text)
    return text[max(0, m.start() - 60):m.end() + 60].replace("\n", " ") if m else ""
