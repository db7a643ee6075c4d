"""How a démarche writes its words: one it writes in lower case more often than capitalised is
one of its common words (« le maire », « la santé », « l'emploi »), not a surname: a name
learned from the démarche's texts (`Pseudonymiser.learn_found`) holds none of them. And which
texts write a word at all (`writes_any`)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable

from corpus.text.french import fold

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_RUN = re.compile(r"\w+")


def common_words(texts: Iterable[str], words: Iterable[str]) -> set[str]:
    """The folded `words` that `texts` write in lower case more often than not."""
    wanted = {fold(w) for w in words}
    if not wanted:
        return set()
    # A word is folded once, not at each of its occurrences (100,000 segments: 2 million).
    folded: dict[str, str] = {}
    lower: Counter = Counter()
    other: Counter = Counter()
    for text in texts:
        for word in _WORD.findall(text):
            key = folded.get(word)
            if key is None:
                key = folded[word] = fold(word)
            if key in wanted:
                (lower if word.islower() else other)[key] += 1
    return {w for w in wanted if lower[w] > other[w]}


def writes_any(words: Iterable[str]) -> Callable[[str], bool]:
    """A test of whether a text writes one of `words` as a whole word (`\\b…\\b`, as written:
    fold both first). A word of letters alone is looked up among the text's runs of letters:
    one pattern `\\b(?:…)\\b` of 258 learned words took 1.7 s over 100,000 segments, 0.3 s so."""
    words = set(words)
    plain = {w for w in words if _RUN.fullmatch(w)}
    rest = sorted(re.escape(w) for w in words - plain)
    other = re.compile(r"\b(?:" + "|".join(rest) + r")\b") if rest else None

    def writes(text: str) -> bool:
        return not plain.isdisjoint(_RUN.findall(text)) or bool(other and other.search(text))

    return writes
