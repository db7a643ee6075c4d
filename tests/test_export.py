"""Exports: Parquet, French-Excel CSV, IRaMuTeQ and REFI-QDA (QDPX), plus the CLI."""

import json
import re
import zipfile
from xml.etree import ElementTree as ET

import pandas as pd
import pytest
from store_inputs import ROWS, THEMES, make_store, segment_id_of
from typer.testing import CliRunner

from corpus.cli import app
from corpus.export import FORMATS, ExportError, export, slug
from corpus.report.tables import SEGMENT_COLUMNS
from corpus.store import Store

NS = {"q": "urn:QDA-XML:project:1.0"}


@pytest.fixture
def store(tmp_path):
    store = make_store(tmp_path / "corpus.duckdb")
    with store.db.transaction() as con:  # what the theme registry holds after a run
        con.execute(
            "INSERT INTO themes (theme_id, label, terms) VALUES "
            "('T001', 'Financement de la formation', ['CPF', 'AIF', 'financement'])"
        )
    return store


# -- parquet and csv ---------------------------------------------------------------------------


def test_parquet_folder_holds_segments_documents_themes(store, tmp_path):
    files = export(store, "parquet", tmp_path / "out")
    assert sorted(p.name for p in files) == [
        "documents.parquet", "segments.parquet", "themes.parquet"]
    segs = pd.read_parquet(tmp_path / "out" / "segments.parquet")
    assert list(segs.columns[: len(SEGMENT_COLUMNS)]) == SEGMENT_COLUMNS
    assert len(segs) == len(ROWS)
    assert segs.loc[segs["segment_id"] == segment_id_of("La RQTH"), "theme_label"].item() == (
        "Handicap et RQTH")
    docs = pd.read_parquet(tmp_path / "out" / "documents.parquet")
    assert len(docs) == 6
    # A document's orientation is the majority of its segments' when none was stored.
    financement = docs.set_index("doc_id").loc["marseille/2026-03-journee-cep/a01-financement"]
    assert financement["orientation"] == "difficulte" and financement["theme_id"] == "T001"
    themes = pd.read_parquet(tmp_path / "out" / "themes.parquet").set_index("theme_id")
    assert sorted(themes.index) == sorted(THEMES)
    t001 = themes.loc["T001"]
    assert (t001["size"], t001["n_territories"], t001["n_ateliers"]) == (6, 2, 2)
    assert (t001["n_difficulte"], t001["n_levier"]) == (3, 3)
    assert list(t001["terms"]) == ["CPF", "AIF", "financement"]


def test_parquet_file_holds_segments_only(store, tmp_path):
    (path,) = export(store, "parquet", tmp_path / "segments.parquet")
    assert len(pd.read_parquet(path)) == len(ROWS)


def test_csv_opens_in_french_excel(store, tmp_path):
    export(store, "csv", tmp_path / "csv")
    raw = (tmp_path / "csv" / "segments.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    header = raw[3:].split(b"\r\n", 1)[0].decode()
    assert header.split(";")[: len(SEGMENT_COLUMNS)] == SEGMENT_COLUMNS
    assert ";0,6;" in raw.decode("utf-8-sig")  # decimal comma
    back = pd.read_csv(tmp_path / "csv" / "segments.csv", sep=";", decimal=",",
                       encoding="utf-8-sig")
    assert back["text"].tolist() == [r[2] for r in sorted(
        ROWS, key=lambda r: segment_id_of(r[2]))]
    themes = pd.read_csv(tmp_path / "csv" / "themes.csv", sep=";", encoding="utf-8-sig")
    assert themes.set_index("theme_id").loc["T001", "terms"] == "CPF, AIF, financement"


# -- IRaMuTeQ ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("haute-provence/2026-06-journee-cep", "haute_provence_2026_06_journee_cep"),
        ("Atelier n°3 : Mobilité", "atelier_n_3_mobilite"),
        ("Cœur d'Hérault", "coeur_d_herault"),
        (None, "na"),
        ("", "na"),
    ],
)
def test_slug(value, expected):
    assert slug(value) == expected


def test_iramuteq_corpus_follows_the_starred_format(store, tmp_path):
    (path,) = export(store, "iramuteq", tmp_path / "corpus.txt")
    lines = path.read_text("utf-8").splitlines()
    headers = [line for line in lines if line.startswith("****")]
    assert len(headers) == 6  # one text per document
    assert headers[0] == (
        "**** *territoire_haute_provence *evenement_haute_provence_2026_06_journee_cep "
        "*atelier_a01_mobilite *orientation_levier"
    )
    for header in headers:
        assert re.fullmatch(r"\*{4}( \*[a-z]+_[a-z0-9_]+)+", header), header
    themes = [line for line in lines if line.startswith("-*")]
    assert "-*theme_t001" in themes and "-*theme_aucun" in themes
    assert all(re.fullmatch(r"-\*theme_[a-z0-9_]+", line) for line in themes)
    body = [line for line in lines if line and not line.startswith(("****", "-*"))]
    assert not any("*" in line for line in body)  # stars are markup in IRaMuTeQ
    assert len(body) == len(ROWS)
    assert "Contacts : le tableau des contacts a été partagé à la fin de la séance." in body
    # A theme line precedes the segment it marks.
    i = lines.index("La RQTH n'est pas toujours connue des conseillers, qui orientent trop "
                    "tard vers Cap emploi.")
    assert lines[i - 1] == "-*theme_t002"


# -- REFI-QDA ----------------------------------------------------------------------------------


def _read_qdpx(path):
    with zipfile.ZipFile(path) as zf:
        root = ET.fromstring(zf.read("project.qde"))
        sources = {n: zf.read(n).decode("utf-8") for n in zf.namelist() if n != "project.qde"}
    return root, sources


def test_qdpx_codings_point_at_the_segment_text(store, tmp_path):
    (path,) = export(store, "qdpx", tmp_path / "projet.qdpx")
    root, files = _read_qdpx(path)
    assert root.tag == "{urn:QDA-XML:project:1.0}Project"
    assert all(name.startswith("Sources/") and name.endswith(".txt") for name in files)
    codes = {c.get("guid"): c.get("name") for c in root.iterfind(".//q:Code", NS)}
    assert "T002 Handicap et RQTH" in codes.values() and "Levier" in codes.values()
    stored = store.texts.segments()
    texts = dict(zip(stored["segment_id"], stored["text"], strict=True))
    sources = root.findall("q:Sources/q:TextSource", NS)
    assert len(sources) == 6
    n_selections = 0
    for source in sources:
        text = files["Sources/" + source.get("plainTextPath").removeprefix("internal://")]
        for sel in source.iterfind("q:PlainTextSelection", NS):
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
            assert text[start:end] == texts[sel.get("name")]
            refs = [r.get("targetGUID") for r in sel.iterfind("q:Coding/q:CodeRef", NS)]
            assert refs and all(ref in codes for ref in refs)
            n_selections += 1
    assert n_selections == len(ROWS)
    guids = [el.get("guid") for el in root.iter() if el.get("guid")]
    assert len(guids) == len(set(guids))


def test_qdpx_codes_each_segment_with_its_theme_and_orientation(store, tmp_path):
    (path,) = export(store, "qdpx", tmp_path)
    assert path.name == "corpus.qdpx"
    root, _ = _read_qdpx(path)
    codes = {c.get("guid"): c.get("name") for c in root.iterfind(".//q:Code", NS)}
    sel = next(s for s in root.iterfind(".//q:PlainTextSelection", NS)
               if s.get("name") == segment_id_of("L'AIF de France Travail"))
    coded = {codes[r.get("targetGUID")] for r in sel.iterfind("q:Coding/q:CodeRef", NS)}
    assert coded == {"T001 Financement de la formation", "Levier"}
    (t001,) = [c for c in root.iterfind(".//q:Code", NS) if c.get("name").startswith("T001")]
    assert t001.findtext("q:Description", namespaces=NS) == "Termes clés : CPF, AIF, financement"


def test_qdpx_is_the_same_bytes_on_every_export(store, tmp_path):
    (a,) = export(store, "qdpx", tmp_path / "a.qdpx")
    (b,) = export(store, "qdpx", tmp_path / "b.qdpx")
    assert a.read_bytes() == b.read_bytes()


# -- scope and errors --------------------------------------------------------------------------


def test_scope_exports_one_input_only(store, tmp_path):
    marseille = [d for d in store.texts.documents()["doc_id"] if d.startswith("marseille/")]
    store.scopes.set("/data/marseille", marseille)
    (path,) = export(store, "parquet", tmp_path / "m.parquet", scope="/data/marseille")
    assert set(pd.read_parquet(path)["territory"]) == {"marseille"}
    with pytest.raises(ExportError, match="Aucun document enregistré"):
        export(store, "parquet", tmp_path / "x.parquet", scope="/data/lyon")


def test_unknown_format_names_the_accepted_ones(store, tmp_path):
    with pytest.raises(ExportError, match="Formats acceptés : parquet, csv, qdpx, iramuteq"):
        export(store, "xlsx", tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


def test_empty_store_is_refused(tmp_path):
    with pytest.raises(ExportError, match="aucun segment"):
        export(Store(tmp_path / "vide.duckdb"), "csv", tmp_path / "out")


# -- command line ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_cli_export_json(store, tmp_path, fmt):
    out = tmp_path / f"export-{fmt}"
    result = CliRunner().invoke(app, [
        "export", "--format", fmt, "--out", str(out), "--store", str(store.path), "--json",
    ])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["format"] == fmt
    assert payload["files"] and all(p.startswith(str(out)) for p in payload["files"])


def test_cli_export_bad_format(store, tmp_path):
    result = CliRunner().invoke(app, [
        "export", "--format", "docx", "--out", str(tmp_path / "x"), "--store", str(store.path),
    ])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "Format « docx » inconnu" in message
    assert "Formats acceptés : parquet, csv, qdpx, iramuteq" in message
