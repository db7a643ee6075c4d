"""Token annotations kept from the one spaCy parse of each text, so that later stages read
them instead of parsing again.

A text's tags are one row per token: [text, whitespace after, lemma, part of speech,
morphology, entity (IOB: "B-LOC", "I-LOC", "" outside)]. The tokens' texts and whitespace
spell the text exactly as stored. Tags are kept for protected texts only: a person's name is
replaced by the tokens of its pseudonym (`protected`) before anything is stored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from corpus.text.marks import MARKS

Tag = tuple[str, str, str, str, str, str]
Tags = tuple[Tag, ...]
# The pieces of a pseudonym or a mark: words, numbers, punctuation.
_PIECE = re.compile(r"\d+|\w+(?:[-'’]\w+)*|[^\w\s]")


def of_tokens(tokens) -> Tags:
    """Tags of spaCy tokens (a `Doc` or a `Span`)."""
    return tuple((t.text, t.whitespace_, t.lemma_, t.pos_, str(t.morph),
                  f"{t.ent_iob_}-{t.ent_type_}" if t.ent_type_ else "") for t in tokens)


def text_of(tags: Sequence[Tag]) -> str:
    """The text the tags spell."""
    return "".join(t[0] + t[1] for t in tags)


def span_tags(doc, start: int, end: int, text: str) -> Tags | None:
    """Tags of `text[start:end]` stripped (`text` is `doc.text`, read once by the caller), None
    when tokens do not fall on its edges."""
    raw = text[start:end]
    start += len(raw) - len(raw.lstrip())
    end -= len(raw) - len(raw.rstrip())
    span = doc.char_span(start, end)
    if span is None or start >= end:
        return None
    tags = of_tokens(span)
    return (*tags[:-1], (tags[-1][0], "", *tags[-1][2:]))


def joined(first: Tags | None, sep: str, second: Tags | None) -> Tags | None:
    """The tags of `first + sep + second` (`sep` such as " ; ": its pieces become PUNCT)."""
    if not first or not second:
        return None
    out = list(first)
    lead = sep[: len(sep) - len(sep.lstrip())]
    out[-1] = (out[-1][0], lead, *out[-1][2:])
    out += _pieces(sep.strip(), sep[len(sep.rstrip()):], "PUNCT")
    return (*out, *second)


def _pieces(text: str, trailing: str, pos: str | None = None) -> list[Tag]:
    """Tags for a short text no model has read (a pseudonym, a mark): "Personne" PROPN,
    "12" NUM, punctuation PUNCT, other words NOUN."""
    found = list(_PIECE.finditer(text))
    out = []
    for i, m in enumerate(found):
        word = m.group()
        ws = text[m.end(): found[i + 1].start()] if i + 1 < len(found) else trailing
        kind = pos or ("NUM" if word.isdigit() else "PUNCT" if not word[0].isalnum()
                       else "PROPN" if word == "Personne" else "NOUN")
        out.append((word, ws, word if word == "Personne" else word.lower(), kind, "", ""))
    return out


def protected(tags: Tags | None, edits: Sequence[tuple[int, int, str]]) -> Tags | None:
    """The tags after `edits` (start, end, replacement in the tags' text, sorted, disjoint):
    the tokens an edit touches give way to the replacement's pieces, with what the edit leaves
    of them. None when there are no tags."""
    if tags is None or not edits:
        return tags
    offsets, at = [], 0
    for t in tags:
        offsets.append((at, at + len(t[0])))
        at += len(t[0]) + len(t[1])
    text = text_of(tags)
    out: list[Tag] = []
    i = 0
    for start, end, replacement in edits:
        while i < len(tags) and offsets[i][1] <= start:
            out.append(tags[i])
            i += 1
        first = i
        while i < len(tags) and offsets[i][0] < end:
            i += 1
        if first == i:  # an edit between tokens (never seen): leave the tags out
            return None
        a, b = min(offsets[first][0], start), max(offsets[i - 1][1], end)
        after = offsets[i][0] if i < len(tags) else len(text)
        out += _pieces(text[a:start], "")  # what the edit leaves of the tokens it touches
        out += _pieces(replacement, "" if text[end:b] else text[b:after])
        out += _pieces(text[end:b], text[b:after])
    out += tags[i:]
    return tuple(out)


def dumps(tags: Tags | None) -> str | None:
    """Tags as the store keeps them (JSON), None for none."""
    return None if tags is None else json.dumps([list(t) for t in tags], ensure_ascii=False)


def loads(value) -> Tags | None:
    """Tags from the store (JSON text, or None / NaN / "" for none)."""
    if not isinstance(value, str) or not value:
        return None
    return tuple(tuple(t) for t in json.loads(value))


def without_marks(tags: Tags) -> Tags:
    """The tags of `protect.without_marks(text)`: pseudonyms and marks out, spaces single."""
    text = text_of(tags)
    marks = [m.span() for m in MARKS.finditer(text)]
    out: list[Tag] = []
    at = 0
    for t in tags:
        start, end = at, at + len(t[0])
        at = end + len(t[1])
        mark = next(((a, b) for a, b in marks if a < end and start < b), None)
        if mark is None and t[0].strip():
            out.append(t)
            continue
        # Left out; the spaces it leaves outside any mark become one.
        left = t[0] + t[1] if mark is None else t[1] if end >= mark[1] else ""
        if out and left and not out[-1][1]:
            out[-1] = (out[-1][0], " ", *out[-1][2:])
    if out:
        out[-1] = (out[-1][0], "", *out[-1][2:])
    return tuple(out)


def doc(vocab, tags: Sequence[Tag]):
    """A spaCy `Doc` with the tags' words, lemmas, parts of speech, morphology and entities
    (no model runs)."""
    from spacy.tokens import Doc

    ents, previous = [], ""
    for t in tags:
        ent = t[5] or "O"
        if ent.startswith("I-") and previous[2:] != ent[2:]:
            ent = "B-" + ent[2:]  # the entity's start was left out with a mark
        ents.append(ent)
        previous = ent if ent != "O" else ""
    return Doc(vocab, words=[t[0] for t in tags], spaces=[bool(t[1]) for t in tags],
               lemmas=[t[2] for t in tags], pos=[t[3] for t in tags],
               morphs=[t[4] for t in tags], ents=ents)
