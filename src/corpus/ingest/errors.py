"""The one error ingestion raises: it names the file, the line and the fix, in French."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class IngestError(Exception):
    """A file that cannot be ingested as it is.

    `str()` is one readable French line:
    ``data/x/ateliers.csv, ligne 4 : la colonne « methode » est vide. Correction : ...``
    """

    def __init__(
        self, path: str | Path, problem: str, fix: str, *, line: int | None = None
    ) -> None:
        self.path = str(path)
        self.line = line
        self.problem = problem.strip().rstrip(".").strip()
        self.fix = fix.strip()
        super().__init__(self._message())

    def _message(self) -> str:
        where = self.path if self.line is None else f"{self.path}, ligne {self.line}"
        fix = self.fix if self.fix.endswith((".", "!", "?")) else self.fix + "."
        return f"{where} : {self.problem}. Correction : {fix}"

    def __str__(self) -> str:
        return self._message()

    def __reduce__(
        self,
    ):  # keep the error picklable (Prefect and Dask ship errors across processes)
        return (_rebuild, (self.path, self.problem, self.fix, self.line))


def _rebuild(path: str, problem: str, fix: str, line: int | None) -> IngestError:
    return IngestError(path, problem, fix, line=line)


def quote(value: object, limit: int = 60) -> str:
    """French guillemets around a value, shortened for an error message."""
    text = str(value).replace("\n", " ").strip()
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"« {text} »"


# Running out of memory is never turned into a file's fault.
NEVER_CAUGHT = (MemoryError,)

# Zip members bigger than this once inflated are refused: a note or a form export is a few MB,
# a "zip bomb" (or a corrupted size field) would fill the memory.
MAX_UNZIPPED_BYTES = 512 * 1024 * 1024


def check_zip(data: bytes, source: str | Path, problem: str, fix: str) -> None:
    """Refuse a zip-based document (.docx, .odt, .xlsx) that is not a whole, readable archive.

    Every member is inflated once and its checksum verified (zipfile's `testzip`), so that a
    truncated or flipped byte is reported here rather than as a library's internal error.
    """
    import zipfile
    import zlib
    from io import BytesIO

    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise IngestError(source, f"{problem} (contenu décompressé démesuré)", fix)
            bad = archive.testzip()
    except IngestError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError,
            NotImplementedError, RuntimeError) as exc:
        raise IngestError(source, problem, fix) from exc
    if bad is not None:
        raise IngestError(source, f"{problem} (partie {quote(bad)} corrompue)", fix)


@contextmanager
def damaged_file(source: str | Path, problem: str, fix: str) -> Iterator[None]:
    """Turn whatever a parsing library raises on a damaged file into an IngestError.

    A damaged .docx, .odt or .xlsx can make python-docx, odfpy or openpyxl raise almost
    anything (zlib.error, lxml's XMLSyntaxError, KeyError or AttributeError on a missing part,
    RecursionError on nested XML); the user needs the file's name and the fix, not a traceback.
    """
    try:
        yield
    except IngestError:
        raise
    except Exception as exc:
        if isinstance(exc, NEVER_CAUGHT):
            raise
        raise IngestError(source, problem, fix) from exc
