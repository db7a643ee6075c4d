"""Ingestion: démarche folders and flat tables into validated `corpus.records`.

`read_demarche(root)` reads a démarche (or one territory, or one event) folder;
`read_table(path, text=...)` reads a flat table of existing texts. Both read and validate
everything before returning, and raise `IngestError` (file, line, fix, in French) otherwise;
`read_demarche` sets unreadable files aside instead (`Demarche.set_aside`) unless `strict`.
"""

from corpus.ingest.errors import IngestError
from corpus.ingest.flat import TableOptions, find_column, read_table
from corpus.ingest.walker import read_demarche

__all__ = ["IngestError", "TableOptions", "find_column", "read_demarche", "read_table"]
