"""The one error ingestion raises: it names the file, the line and the fix, in French."""

from __future__ import annotations

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
