"""Tables as French tools export them: CSV (any delimiter, UTF-8 or Windows-1252), XLSX, Parquet.

Every reader returns a `Table`: its column names as written and its rows, each with the line
a user sees the row on (CSV: the physical line where the record starts; XLSX: the sheet row;
Parquet: the row number). Values are strings; empty cells are "".
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import NamedTuple

from corpus.ingest.errors import IngestError, check_zip, damaged_file, quote
from corpus.ingest.text import decode

DELIMITERS = (";", ",", "\t")
_DELIMITER_NAMES = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:\s*/\s*\d+)?$")


class Row(NamedTuple):
    line: int
    values: dict[str, str]


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[Row] = field(default_factory=list)


def parse_number(value: str) -> float | None:
    """A French or English number ("4,5", "4.5", " 4 ", "4/5" -> 4.0); None if it is not one."""
    text = value.strip().replace("\u00a0", "").replace("\u202f", "")
    if not _NUMBER.match(text):
        return None
    text = text.split("/")[0].strip().replace(",", ".")
    return float(text)


def read_csv(
    data: bytes, *, source: str | Path = "table.csv", delimiter: str | None = None
) -> Table:
    """A CSV file: encoding detected, delimiter sniffed, ragged rows refused."""
    text = decode(data, source=source)
    if not text.strip():
        raise IngestError(source, "le fichier est vide", "exportez à nouveau le tableau")
    delimiter = delimiter or sniff_delimiter(text)
    # Long free texts (a whole scribe note in one cell) exceed csv's 128 KiB default.
    csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024 * 1024))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    rows: list[Row] = []
    columns: list[str] | None = None
    width = 0  # cells on the header line, empty trailing names included
    start = 1
    try:
        for record in reader:
            line, start = start, reader.line_num + 1
            if not record or all(not cell.strip() for cell in record):
                continue
            if columns is None:
                columns, width = _header(record), len(record)
                continue
            rows.append(Row(line, _fit(record, columns, width, line, source, delimiter)))
    except csv.Error as exc:
        raise IngestError(
            source,
            f"CSV mal formé ({exc})",
            "vérifiez les guillemets : un champ qui contient un séparateur ou un retour à la "
            "ligne doit être entre guillemets droits (\"), et un guillemet à l'intérieur doublé",
            line=start,
        ) from exc
    return Table(columns or [], rows)


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV text: counted on the header line, csv.Sniffer on a tie."""
    header = text.lstrip("\n").split("\n", 1)[0]
    counts = {d: _count_outside_quotes(header, d) for d in DELIMITERS}
    best = max(counts.values())
    winners = [d for d, n in counts.items() if n == best]
    if best > 0 and len(winners) == 1:
        return winners[0]
    try:
        sniffed = csv.Sniffer().sniff(text[:20000], delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None
    if sniffed in winners:
        return sniffed
    return winners[0] if best > 0 else ";"


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count


def _header(record: list[str]) -> list[str]:
    """Column names as written, stripped; trailing empty names dropped, duplicates numbered."""
    names = [cell.strip() for cell in record]
    while names and not names[-1]:
        names.pop()
    columns: list[str] = []
    for position, name in enumerate(names, start=1):
        name = name or f"colonne {position}"
        base, n = name, 2
        while name in columns:
            name, n = f"{base} ({n})", n + 1
        columns.append(name)
    return columns


def _fit(
    record: list[str],
    columns: list[str],
    width: int,
    line: int,
    source: str | Path,
    delimiter: str,
) -> dict[str, str]:
    extra = record[len(columns) :]
    if len(record) == width and not any(cell.strip() for cell in extra):
        record = record[: len(columns)]  # empty unnamed columns, as Excel writes them
    if len(record) != len(columns):
        name = _DELIMITER_NAMES[delimiter]
        raise IngestError(
            source,
            f"la ligne compte {len(record)} champ(s) au lieu de {len(columns)} "
            f"(séparateur : {name} « {delimiter} »)",
            f"vérifiez cette ligne : un champ qui contient le séparateur « {delimiter} » ou un "
            'retour à la ligne doit être entre guillemets droits ("), par exemple '
            f'"Pôle emploi{delimiter} Apec"',
            line=line,
        )
    return {column: cell.strip() for column, cell in zip(columns, record, strict=True)}


def read_xlsx(
    data: bytes, *, source: str | Path = "table.xlsx", sheet: str | int | None = None
) -> Table:
    """An XLSX workbook: the first sheet unless `sheet` (name or 0-based index) is given."""
    from openpyxl import load_workbook

    problem = "le classeur Excel est illisible ou endommagé"
    fix = "ouvrez-le dans Excel ou LibreOffice Calc et enregistrez-le à nouveau au format .xlsx"
    check_zip(data, source, problem, fix)
    with damaged_file(source, problem, fix):
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        with damaged_file(source, problem, fix):
            names = workbook.sheetnames
            if sheet is None and names:
                worksheet = workbook[names[0]]
            elif isinstance(sheet, int) and 0 <= sheet < len(names):
                worksheet = workbook[names[sheet]]
            elif isinstance(sheet, str) and sheet in names:
                worksheet = workbook[sheet]
            else:
                raise IngestError(
                    source,
                    f"la feuille {quote(sheet)} n'existe pas (feuilles : {', '.join(names)})",
                    "indiquez le nom exact d'une feuille du classeur",
                )
            return _table_from_cells(worksheet.iter_rows(values_only=True), source)
    finally:
        workbook.close()


def _table_from_cells(cell_rows, source: str | Path) -> Table:
    columns: list[str] | None = None
    rows: list[Row] = []
    for line, cells in enumerate(cell_rows, start=1):
        values = [cell_text(cell) for cell in cells]
        if not any(value.strip() for value in values):
            continue
        if columns is None:
            columns = _header(values)
            continue
        extra = values[len(columns) :]
        if any(value.strip() for value in extra):
            raise IngestError(
                source,
                f"la ligne a des valeurs hors des colonnes nommées ({len(values)} cellules "
                f"remplies pour {len(columns)} colonnes)",
                "donnez un nom à chaque colonne sur la première ligne, ou videz les cellules "
                "en trop",
                line=line,
            )
        values = (values + [""] * len(columns))[: len(columns)]
        rows.append(Row(line, {c: v.strip() for c, v in zip(columns, values, strict=True)}))
    return Table(columns or [], rows)


def cell_text(value: object) -> str:
    """A cell value as text: integers without ".0", dates in ISO format, empty for None/NaN."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def read_parquet(raw: bytes, *, source: str | Path = "table.parquet") -> Table:
    """A Parquet file, every column read as text; line = row number (1 for the first row)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    problem = "le fichier Parquet est illisible ou endommagé"
    fix = "exportez à nouveau le tableau au format Parquet, ou en CSV"
    with damaged_file(source, problem, fix):
        # pyarrow raises ArrowInvalid, OSError, UnicodeDecodeError (a damaged string page)...
        data = pq.read_table(pa.BufferReader(raw))
        columns = _header([str(name) for name in data.column_names])
        lists = [data.column(i).to_pylist() for i in range(data.num_columns)]
    rows = [
        Row(
            number,
            {
                c: cell_text(values[number - 1]).strip()
                for c, values in zip(columns, lists, strict=True)
            },
        )
        for number in range(1, data.num_rows + 1)
    ]
    return Table(columns, rows)


def read_any(path: Path, data: bytes, *, sheet: str | int | None = None) -> Table:
    """Dispatch on the file extension: .csv, .tsv, .xlsx, .parquet."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(data, source=path)
    if suffix == ".tsv":
        return read_csv(data, source=path, delimiter="\t")
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(data, source=path, sheet=sheet)
    if suffix == ".parquet":
        return read_parquet(data, source=path)
    raise IngestError(
        path,
        f"format de tableau non pris en charge ({suffix or 'sans extension'})",
        "enregistrez le tableau en .csv, .xlsx ou .parquet (un ancien .xls : ouvrez-le et "
        "enregistrez-le en .xlsx)",
    )
