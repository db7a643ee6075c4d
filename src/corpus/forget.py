"""`corpus forget NAME`: remove a person from the store and from the outputs (RGPD).

In the store, every text where the name (whole, or one of its words: "Haddad", "karim")
still appears is rewritten: the words become the person's pseudonym ("Personne 3") when the
store knows a single one, "[personne retirée]" otherwise; lemmas lose them; the pseudonym
numbers stored for the name are deleted, so that nothing links "Personne 3" to the name any
more. Output folders (those holding a run.json) are then searched: each file that still shows
the name is listed with the command that rewrites the folder from the store, or, on request,
that command is run.
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from corpus.store import Store
from corpus.store import forget as stored
from corpus.text.french import fold
from corpus.text.names import PARTICLES
from corpus.text.protect import FORGOTTEN_MARK, name_keys, name_pattern

TEXT_SUFFIXES = {".md", ".json", ".csv", ".txt", ".xml", ".qde"}


class _HtmlText(HTMLParser):
    """The text a reader sees in an HTML page (chart labels included, not the drawing data)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag, attrs) -> None:
        self.parts += [v for k, v in attrs if k in ("title", "alt", "aria-label") and v]


@dataclass
class Output:
    """An output folder that still shows the name."""

    folder: Path
    files: list[str]
    input: str | None  # the run's input, from its run.json

    def command(self, store: Path) -> list[str]:
        return ["corpus", "run", self.input or "ENTRÉE", "--out", str(self.folder),
                "--store", str(store)]


@dataclass
class Forgotten:
    replacement: str
    tables: dict[str, int]
    outputs: list[Output] = field(default_factory=list)


def forget_person(store: Store, name: str, *, words: frozenset[str] = frozenset()) -> Forgotten:
    """Rewrite the store's texts without `name`, drop its pseudonym numbers (see module)."""
    pattern = name_pattern(name, words)
    if pattern is None or not any(len(w) > 2 and w.casefold() not in PARTICLES
                                  for w in re.findall(r"[\w'’-]+", name)):
        raise ValueError(f"« {name} » : aucun mot de ce nom ne peut être cherché. Correction : "
                         "donnez le prénom et le nom, par exemple « Karim Haddad ».")
    keys = {k for scope in stored.pseudonym_scopes(store.db) for k in name_keys(scope, name)}
    numbers = set(stored.pseudonym_numbers(store.db, keys).values())
    replacement = f"Personne {numbers.pop()}" if len(numbers) == 1 else FORGOTTEN_MARK
    # Lemmas are lower-case words, a compound name cut in pieces: the name's words that are no
    # French word go ("tessier", "morvan"; not "petit").
    lemma_words = {fold(w) for w in re.findall(r"[^\W\d_]+", name)
                   if len(w) > 2 and fold(w) not in PARTICLES and fold(w) not in words}

    def rewrite(text: str) -> str:
        return pattern.sub(replacement, text)

    def rewrite_lemmas(text: str) -> str:
        return " ".join(w for w in text.split() if fold(w) not in lemma_words)

    tables = stored.forget(store.db, rewrite, rewrite_lemmas=rewrite_lemmas, pseudonym_keys=keys)
    # The explorer's and the API's cache beside the store holds copies of the segments' texts
    # (`corpus.store.explore`): derived data, deleted whole; the next read rebuilds it.
    from corpus.store.explore import ExploreTables

    if ExploreTables(store.db).drop_cache():
        tables["cache_explorateur"] = 1
    return Forgotten(replacement, tables)


def file_text(path: Path) -> str:
    """The readable text of an output file (Markdown, HTML, JSON, CSV, Parquet, DOCX, QDPX)."""
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        parser = _HtmlText()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        return "\n".join(parser.parts)
    if suffix in TEXT_SUFFIXES:
        return path.read_text(encoding="utf-8", errors="replace")
    if suffix == ".parquet":
        import pandas as pd

        frame = pd.read_parquet(path)
        return "\n".join(frame[c].astype(str).str.cat(sep="\n") for c in frame.columns)
    if suffix in (".docx", ".qdpx", ".zip"):
        try:
            with zipfile.ZipFile(path) as archive:
                return "\n".join(re.sub(r"<[^>]+>", " ", archive.read(n).decode("utf-8", "replace"))
                                 for n in archive.namelist()
                                 if n.endswith((".xml", ".qde", ".txt", ".md")))
        except zipfile.BadZipFile:
            return ""
    return ""


def outputs_showing(name: str, roots: list[Path], *,
                    words: frozenset[str] = frozenset()) -> list[Output]:
    """Output folders under `roots` (those with a run.json, and the roots themselves) whose
    files still show `name`."""
    pattern = name_pattern(name, words)
    folders = {p.parent for root in roots if root.is_dir() for p in root.rglob("run.json")}
    folders |= {root for root in roots if root.is_dir()}
    found = []
    for folder in sorted(folders):
        files = sorted(p.name for p in folder.iterdir()
                       if p.is_file() and pattern is not None and pattern.search(file_text(p)))
        if files:
            run = folder / "run.json"
            source = json.loads(run.read_text(encoding="utf-8")).get("input") \
                if run.is_file() else None
            found.append(Output(folder, files, source))
    return found
