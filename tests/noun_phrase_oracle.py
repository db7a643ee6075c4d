"""The noun-phrase state machine that `labels.noun_phrases` replaced by spaCy `Matcher`
patterns: kept as the oracle that the patterns give the same candidates."""

from __future__ import annotations

from collections.abc import Iterable

from corpus.text.french import fold
from corpus.themes.labels import _HEAD_POS, ARTICLES, LINKS, MAX_WORDS, _content


def machine_noun_phrases(doc, places: frozenset[str] = frozenset()) -> Iterable[list]:
    """Noun phrases of a tagged spaCy doc, as token lists: every span that starts with an
    adjective or a noun, holds a noun, and ends on a content word, within the grammar above."""
    tokens = list(doc)
    for i, first in enumerate(tokens):
        if not (first.pos_ in _HEAD_POS or first.pos_ == "ADJ") or not _content(first, places):
            continue
        span, has_noun, links, j = [first], first.pos_ in _HEAD_POS, 0, i + 1
        if has_noun:
            yield list(span)
        while j < len(tokens) and len(span) < MAX_WORDS:
            tok = tokens[j]
            if _content(tok, places):
                if tok.pos_ in _HEAD_POS:
                    has_noun = True
                elif not has_noun and tok.pos_ != "ADJ":
                    break
                span.append(tok)
                j += 1
                if has_noun and span[-1].pos_ != "ADP":
                    yield list(span)
                continue
            word = fold(tok.text).replace("’", "'")
            if word in LINKS and has_noun and links < 2 and j + 1 < len(tokens):
                nxt = tokens[j + 1]
                step = [tok]
                if fold(nxt.text) in ARTICLES and j + 2 < len(tokens):
                    step.append(nxt)
                    nxt = tokens[j + 2]
                if nxt.pos_ in _HEAD_POS and _content(nxt, places):
                    span += step
                    links += 1
                    j += len(step)
                    continue
            break
