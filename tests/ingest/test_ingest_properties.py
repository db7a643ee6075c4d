"""Property-based tests: any bytes given to a reader yield a record or an IngestError.

A nightly run meets every kind of damaged file. Whatever the bytes (random, a valid file
truncated, a valid file with bytes flipped), each reader either returns its record or raises
`IngestError` naming the file; never another exception, never a hang (hypothesis' deadline).
Examples are capped in size and number so that the whole module runs in seconds
(`CORPUS_PROPERTY_EXAMPLES=2000` searches deeper).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.ingest.errors import IngestError
from corpus.ingest.feedback import read_feedback
from corpus.ingest.manifest import load_manifest, parse_workshops
from corpus.ingest.notes import read_note
from corpus.ingest.tables import Table, read_any

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
EVENT = FIXTURES / "demarche" / "lyon-est" / "forum-cep-2024"
VALID = {
    "docx": FIXTURES / "notes" / "cooperation-entreprises.docx",
    "odt": FIXTURES / "notes" / "reconversions-tpe.odt",
    "md": FIXTURES / "notes" / "constats-leviers.md",
    "txt": FIXTURES / "notes" / "mobilite-cp1252.txt",
    "xlsx": FIXTURES / "tables" / "retours.xlsx",
    "parquet": FIXTURES / "tables" / "corpus.parquet",
    "csv": FIXTURES / "tables" / "retours-formulaire-bom.csv",
    "yaml": EVENT / "evenement.yaml",
    "ateliers": EVENT / "ateliers.csv",
}
MAX_BYTES = 4096

# No example database (tests write only under tmp_path); a deadline that a hang cannot pass.
EXAMPLES = int(os.environ.get("CORPUS_PROPERTY_EXAMPLES", "60"))  # more for a deep search
FAST = settings(max_examples=EXAMPLES, deadline=timedelta(seconds=3), database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _valid(kind: str) -> bytes:
    return VALID[kind].read_bytes()


def _mutations(kind: str) -> st.SearchStrategy[bytes]:
    """A valid file truncated, with bytes flipped, or with random bytes spliced in."""
    data = _valid(kind)

    truncated = st.integers(0, len(data)).map(lambda n: data[:n])

    def flip(changes: list[tuple[int, int]]) -> bytes:
        out = bytearray(data)
        for position, mask in changes:
            out[position % len(out)] ^= mask or 1
        return bytes(out)

    flipped = st.lists(st.tuples(st.integers(0, len(data) - 1), st.integers(1, 255)),
                       min_size=1, max_size=8).map(flip)
    spliced = st.tuples(st.integers(0, len(data)), st.binary(max_size=64)).map(
        lambda t: data[: t[0]] + t[1] + data[t[0]:])
    return st.one_of(truncated, flipped, spliced)


def _any_bytes(kind: str) -> st.SearchStrategy[bytes]:
    return st.one_of(st.binary(max_size=MAX_BYTES), _mutations(kind))


def _text_bytes() -> st.SearchStrategy[bytes]:
    """Text in the encodings users save in, control characters included."""
    text = st.text(st.characters(codec="utf-8"), max_size=600)
    encoded = st.tuples(text, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"])).map(
        lambda t: t[0].encode(t[1], errors="replace"))
    return st.one_of(encoded, st.binary(max_size=MAX_BYTES))


def _note_or_error(name: str, data: bytes) -> None:
    try:
        fmt, text = read_note(Path(name), data)
    except IngestError as exc:
        assert name in str(exc)  # the message names the file
        return
    assert isinstance(text, str) and text.strip()
    assert fmt == Path(name).suffix.lstrip(".")


@pytest.mark.parametrize("kind", ["docx", "odt"])
@FAST
@given(data=st.data())
def test_zipped_notes_any_bytes(kind: str, data) -> None:
    _note_or_error(f"notes/A1.{kind}", data.draw(_any_bytes(kind)))


@pytest.mark.parametrize("kind", ["md", "txt"])
@FAST
@given(data=st.data())
def test_text_notes_any_bytes(kind: str, data) -> None:
    raw = data.draw(st.one_of(_text_bytes(), _mutations(kind)))
    _note_or_error(f"notes/A1.{kind}", raw)


def _table_or_error(name: str, data: bytes) -> Table | None:
    try:
        table = read_any(Path(name), data)
    except IngestError as exc:
        assert name in str(exc)
        return None
    assert all(set(row.values) == set(table.columns) for row in table.rows)
    return table


@pytest.mark.parametrize("kind", ["xlsx", "parquet"])
@FAST
@given(data=st.data())
def test_binary_tables_any_bytes(kind: str, data) -> None:
    _table_or_error(f"retours.{kind}", data.draw(_any_bytes(kind)))


@FAST
@given(raw=st.one_of(_text_bytes(), _mutations("csv")))
def test_csv_any_bytes(raw: bytes) -> None:
    _table_or_error("retours.csv", raw)


@FAST
@given(raw=st.one_of(_text_bytes(), _mutations("csv"), _mutations("xlsx")),
       suffix=st.sampled_from(["csv", "xlsx"]))
def test_feedback_any_bytes(raw: bytes, suffix: str) -> None:
    name = f"retours.{suffix}"
    table = _table_or_error(name, raw)
    if table is None:
        return
    try:
        records = read_feedback(table, event_id="t/e", territory_id="t", source=name,
                                ateliers={"A1": "Comment coopérer ?"})
    except IngestError as exc:
        assert name in str(exc)
        return
    assert all(r.event_id == "t/e" for r in records)


@FAST
@given(raw=st.one_of(_text_bytes(), _mutations("yaml")))
def test_manifest_yaml_any_bytes(raw: bytes) -> None:
    try:
        manifest = load_manifest(raw, source="evenement.yaml")
    except IngestError as exc:
        assert "evenement.yaml" in str(exc)
        return
    assert manifest.territoire and manifest.evenement


@FAST
@given(raw=st.one_of(_text_bytes(), _mutations("ateliers")))
def test_ateliers_csv_any_bytes(raw: bytes) -> None:
    table = _table_or_error("ateliers.csv", raw)
    if table is None:
        return
    try:
        rows = parse_workshops(table, source="ateliers.csv")
    except IngestError as exc:
        assert "ateliers.csv" in str(exc)
        return
    assert rows and all(r.atelier_id and r.methode for r in rows)


def test_mutations_reach_both_outcomes() -> None:
    """The strategies are not vacuous: the valid files are read, a truncated one refused."""
    for kind in ("docx", "odt"):
        _note_or_error(f"A1.{kind}", _valid(kind))
        with pytest.raises(IngestError):
            read_note(Path(f"A1.{kind}"), _valid(kind)[: len(_valid(kind)) // 2])
    with pytest.raises(IngestError):
        read_any(Path("r.xlsx"), _valid("xlsx")[:-200])
