"""French segmentation: normalisation, headings and bullets, spaCy sentences, lemmas.

A note arrives as light Markdown ("# heading", "- bullet", paragraphs). Each bullet is one
segment; a paragraph gives one segment per sentence; fragments too short to carry an idea are
merged with their neighbour. A heading such as "Freins" or "Leviers" becomes a hint for the
orientation stage.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from corpus import progress
from corpus.lang.fr import SECTION_CUES, singular
from corpus.records import Note, Orientation, Segment
from corpus.text import deroule, parsing
from corpus.text import tags as text_tags
from corpus.text.french import (
    fold,
    folded_stop_words,
    left_open,
    load_nlp,
    normalise,
)
from corpus.text.people import content_lemmas, spacy_people

_BULLET = re.compile(r"^\s*(?:[-*+•▪◦●–—]|\d{1,2}[.)])\s+")
_HEADING = re.compile(r"^\s*#{1,6}\s+")
_MARKUP = re.compile(r"[*_`]+")
# A paragraph's line that ends on one of these goes on in the next line, whatever its first
# letter, as does one ending on a function word (`_goes_on`); a line ending otherwise (a title,
# an item of an unbulleted list: « Atelier 8 : alternance et TPE » above « Speed-dating entre
# conseillers… ») ends its paragraph when the next line opens on a capital. In the Grand Débat's
# meeting reports, 2,152 of 9,524 pairs of unbulleted lines are such items, until now read as
# one sentence.
_OPEN_END = re.compile(r"[.!?…;:,»)\]\"”'’]\s*$")


def _goes_on(line: str) -> bool:
    """A paragraph's line that the next one continues: it ends on punctuation that opens onto
    more, or on a function word (« avec », « de la », « et ») before a name."""
    if _OPEN_END.search(line):
        return True
    words = line.split()
    return bool(words) and fold(words[-1]) in folded_stop_words(domain=False)


HINT_WORDS: dict[str, Orientation] = SECTION_CUES  # type: ignore[assignment]


def section_hint(heading: str) -> Orientation | None:
    """The orientation a heading suggests: "Freins :" -> difficulte, "Pistes" -> levier."""
    words = re.findall(r"\w+", fold(_MARKUP.sub("", heading)))
    singulars = [singular(w) for w in words]
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            for key in (" ".join(words[i : i + n]), " ".join(singulars[i : i + n])):
                if key in HINT_WORDS:
                    return HINT_WORDS[key]
    return None


def _as_heading(line: str) -> str | None:
    """The heading text if `line` is a heading ("# Freins", "**Leviers :**", "PISTES :")."""
    if _HEADING.match(line):
        return _HEADING.sub("", line).strip()
    bare = _MARKUP.sub("", line).strip()
    words = bare.rstrip(":").split()
    if not words or len(words) > 5:
        return None
    if bare.endswith(":") or (bare.isupper() and len(bare) > 3):
        return bare.rstrip(" :")
    if len(words) <= 3 and section_hint(bare) is not None and bare[:1].isupper():
        return bare
    return None


@dataclass
class Block:
    """A bullet or a paragraph, with the heading it sits under."""

    text: str
    bullet: bool
    section: str = ""
    hint: Orientation | None = None


def blocks(text: str) -> list[Block]:
    """Split a light-Markdown note into bullets and paragraphs under their headings."""
    out: list[Block] = []
    lines: list[list[str]] = []  # each block's lines, joined once (a long paragraph stays linear)
    section, hint = "", None
    current: Block | None = None
    for line in normalise(text).splitlines():
        if not line:
            current = None
            continue
        heading = None if _BULLET.match(line) else _as_heading(line)
        if heading is not None:
            section, hint, current = heading, section_hint(heading), None
            continue
        if _BULLET.match(line):
            current = Block(_BULLET.sub("", line).strip(), True, section, hint)
            out.append(current)
            lines.append([current.text])
        elif current is not None and not (line[:1].isupper() and (
                current.bullet or not _goes_on(lines[-1][-1]))):
            lines[-1].append(line)
        else:
            current = Block(line, False, section, hint)
            out.append(current)
            lines.append([line])
    for block, parts in zip(out, lines, strict=True):
        block.text = " ".join(parts).strip() if len(parts) > 1 else parts[0]
    return [b for b in out if _MARKUP.sub("", b.text).strip()]


@dataclass
class Fragment:
    """A piece of text on its way to becoming a segment."""

    text: str
    section: str
    hint: Orientation | None
    lemmas: list[str] = field(default_factory=list)
    persons: list[tuple[int, int]] = field(default_factory=list)
    kind: str = deroule.CONTENU  # "deroule" for a line that says how the atelier ran
    tags: text_tags.Tags | None = None  # the parse's tokens (`corpus.text.tags`)

    def joins(self, other: Fragment) -> bool:
        """Whether `other` may be merged into this one: same section, same kind."""
        return self.section == other.section and self.kind == other.kind

    def absorb(self, other: Fragment, sep: str) -> None:
        """`other` appended after `sep`; a single space where this one leaves a quotation or a
        bracket open (« … BTP ? » cut after its question mark reads « BTP ? », puis… », not
        « BTP ? ; », puis… »)."""
        if left_open(self.text) or other.text.lstrip()[:1] in ("»", ")", "]", ",", "”"):
            sep = " "
        shift = len(self.text) + len(sep)
        self.text = f"{self.text}{sep}{other.text}"
        self.tags = text_tags.joined(self.tags, sep, other.tags)
        self.lemmas += other.lemmas
        self.persons += [(s + shift, e + shift) for s, e in other.persons]


def _closes(before: str, rest: str) -> bool:
    """Whether `before` leaves a quotation or a bracket open that `rest` (the block from the
    same start) closes: spaCy cut « … le BTP ? », puis retournement » inside its quotation,
    and a quotation is one piece. One never closed (a typo) joins nothing."""
    return left_open(before) and not left_open(rest)


def _sentence_spans(doc, min_chars: int, text: str) -> list[tuple[int, int]]:
    """spaCy sentences as character spans, short ones joined to a neighbour as written, and a
    sentence cut inside a quotation joined to the one that closes it. `text` is `doc.text`
    (spaCy joins its tokens again at every read)."""
    spans: list[list[int]] = []
    for sent in doc.sents:
        if not text[sent.start_char:sent.end_char].strip():
            continue
        if spans and (spans[-1][1] - spans[-1][0] < min_chars or _closes(
                text[spans[-1][0]:spans[-1][1]], text[spans[-1][0]:])):
            spans[-1][1] = sent.end_char
        else:
            spans.append([sent.start_char, sent.end_char])
    if len(spans) > 1 and spans[-1][1] - spans[-1][0] < min_chars:
        last = spans.pop()
        spans[-1][1] = last[1]
    return [(a, b) for a, b in spans]


def _fragments(doc, block: Block, min_chars: int, max_chars: int) -> list[Fragment]:
    people = spacy_people(doc)
    persons = [(e.start_char, e.end_char) for e in people]
    text = doc.text  # read once: `Doc.text` joins every token again at each read

    def frag(start: int, end: int) -> Fragment:
        raw = text[start:end]
        lead = len(raw) - len(raw.lstrip())
        spans = [(s - start - lead, e - start - lead) for s, e in persons
                 if s >= start and e <= end]
        span = doc.char_span(start, end, alignment_mode="expand")
        lemmas = content_lemmas(span, people)  # people out
        kind = deroule.kind_of_span(span, section=block.section)
        return Fragment(raw.strip(), block.section, block.hint, lemmas, spans, kind,
                        text_tags.span_tags(doc, start, end, text))

    if block.bullet and len(text) <= max_chars:
        return [frag(0, len(text))]
    return [frag(a, b) for a, b in _sentence_spans(doc, min_chars, text)]


def merge_short(frags: list[Fragment], min_chars: int) -> list[Fragment]:
    """Merge fragments shorter than `min_chars` into a neighbour of the same section and kind
    (a déroulé line is never merged into content)."""
    out: list[Fragment] = []
    pending: Fragment | None = None
    for f in frags:
        if pending is not None:
            if pending.joins(f):
                pending.absorb(f, " ; ")
                f = pending
            else:
                out.append(pending)
            pending = None
        if len(f.text) < min_chars:
            if out and out[-1].joins(f) and len(out[-1].text) < 4 * min_chars:
                out[-1].absorb(f, " ; ")
            else:
                pending = f
            continue
        out.append(f)
    if pending is not None:
        if out and out[-1].joins(pending):
            out[-1].absorb(pending, " ; ")
        else:
            out.append(pending)
    return out


def segment_notes(
    notes: Sequence[Note],
    *,
    nlp=None,
    min_chars: int = 30,
    max_chars: int = 600,
    batch_size: int = 64,
) -> list[Segment]:
    """Segments of every note, in note order; ids are "<doc_id>#<position>"."""
    nlp = nlp if nlp is not None else load_nlp()
    note_blocks = [(note, blocks(note.text)) for note in notes]
    flat: Iterable[Block] = (b for _, bs in note_blocks for b in bs)
    docs = parsing.docs(nlp, (b.text for b in flat), batch_size=batch_size)
    out: list[Segment] = []
    for note, bs in note_blocks:
        frags: list[Fragment] = []
        for block in bs:
            frags += _fragments(next(docs), block, min_chars, max_chars)
        for position, f in enumerate(merge_short(frags, min_chars)):
            out.append(
                Segment(
                    segment_id=f"{note.doc_id}#{position:03d}",
                    doc_id=note.doc_id,
                    territory_id=note.territory_id,
                    event_id=note.event_id,
                    atelier_id=note.atelier_id,
                    position=position,
                    text=f.text,
                    lemmas=" ".join(f.lemmas),
                    section=f.section,
                    section_hint=f.hint,
                    given_orientation=note.given_orientation,
                    person_spans=tuple(f.persons),
                    kind=f.kind,
                    tags=text_tags.dumps(f.tags),
                )
            )
        progress.advance(1)
    return out
