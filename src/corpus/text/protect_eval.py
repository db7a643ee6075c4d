"""How well pseudonymisation finds people and leaves organisations and places alone.

An evaluation set is a JSON-lines file, one scribe-style line a row:
``{"text": ..., "persons": [names as written], "kept": [organisations and places],
"manifest": [full names listed in the manifests, optional], "context": [other lines of the same
démarche, optional, not scored]}``. Each line is read as the
pipeline reads a segment (spaCy, then `Pseudonymiser.person_spans`) and scored:

- recall: share of the persons' occurrences whose words are all pseudonymised (lower-case
  particles such as "de" or "da" may stay);
- precision: share of the pseudonymised spans that touch a person;
- kept: share of the organisations' and places' occurrences left untouched.

Rows are split in two halves by position (even rows: `tune`, odd rows: `report`): rules are
adjusted on the first and the figure is read on the second.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from corpus.lang.fr import ELIDED_PARTICLES, NAME_PARTICLES

PARTICLES = NAME_PARTICLES | ELIDED_PARTICLES  # the pseudonymiser's (corpus.lang.fr)


@dataclass(frozen=True)
class Row:
    text: str
    persons: tuple[str, ...]
    kept: tuple[str, ...]
    manifest: tuple[str, ...] = ()
    context: tuple[str, ...] = ()


@dataclass
class Score:
    persons: int = 0
    found: int = 0
    spans: int = 0
    right_spans: int = 0
    kept_total: int = 0
    kept: int = 0
    missed: list[str] | None = None
    touched: list[str] | None = None

    @property
    def recall(self) -> float:
        return self.found / self.persons if self.persons else 1.0

    @property
    def precision(self) -> float:
        return self.right_spans / self.spans if self.spans else 1.0

    @property
    def kept_share(self) -> float:
        return self.kept / self.kept_total if self.kept_total else 1.0


def load_rows(path: Path | str) -> list[Row]:
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            rows.append(Row(raw["text"], tuple(raw.get("persons", ())),
                            tuple(raw.get("kept", ())), tuple(raw.get("manifest", ())),
                            tuple(raw.get("context", ()))))
    return rows


def halves(rows: Sequence[Row]) -> dict[str, list[Row]]:
    return {"tune": list(rows[0::2]), "report": list(rows[1::2])}


def occurrences(text: str, phrase: str) -> list[tuple[int, int]]:
    """Spans of `phrase` in `text`, whole words only."""
    pattern = r"(?<![\w'’])" + re.escape(phrase) + r"(?![\w])"
    return [m.span() for m in re.finditer(pattern, text)]


def _covered(text: str, span: tuple[int, int], predicted: Sequence[tuple[int, int]]) -> bool:
    """Every word of the span but lower-case particles lies inside a predicted span."""
    for m in re.finditer(r"[^\W\d_]+(?:['’])?", text[span[0]:span[1]]):
        if m.group(0).replace("’", "'") in PARTICLES:
            continue
        start, end = span[0] + m.start(), span[0] + m.end()
        if not any(s <= start and end <= e for s, e in predicted):
            return False
    return True


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score(rows: Sequence[Row], spans_of: Callable[[Row], list[tuple[int, int]]]) -> Score:
    """Score the spans `spans_of(row)` predicts for each row (see module docstring)."""
    out = Score(missed=[], touched=[])
    for row in rows:
        predicted = spans_of(row)
        people = [sp for p in row.persons for sp in occurrences(row.text, p)]
        for sp in people:
            out.persons += 1
            if _covered(row.text, sp, predicted):
                out.found += 1
            else:
                out.missed.append(f"{row.text[sp[0]:sp[1]]}  <-  {row.text}")
        for sp in predicted:
            out.spans += 1
            if any(_overlaps(sp, p) for p in people):
                out.right_spans += 1
        for sp in (sp for k in row.kept for sp in occurrences(row.text, k)):
            out.kept_total += 1
            if any(_overlaps(sp, p) for p in predicted):
                out.touched.append(f"{row.text[sp[0]:sp[1]]}  <-  {row.text}")
            else:
                out.kept += 1
    return out


def pipeline_spans(nlp, communes: frozenset[str] = frozenset(), finder=None):
    """`spans_of` as the pipeline finds people: spaCy's entities, then the pseudonymiser's
    rules (titles, initials, first names, manifest names)."""
    from corpus.text.people import spacy_person_spans
    from corpus.text.protect import Pseudonymiser

    def spans_of(row: Row) -> list[tuple[int, int]]:
        pseudo = Pseudonymiser("eval", known_names=row.manifest, communes=communes,
                               finder=finder)
        lines = (*row.context, row.text)  # one démarche: its names are learned first
        pseudo.learn((line, spacy_person_spans(nlp(line))) for line in lines)
        return pseudo.person_spans(row.text, spacy_person_spans(nlp(row.text)))

    return spans_of
