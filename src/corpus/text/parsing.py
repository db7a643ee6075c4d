"""spaCy's parse of many texts, its entity recogniser run only where a name can be found.

The entity recogniser is more than half of the French pipeline's time (100,000 segments: 11.7 s
of the 22.4 s that one territory of 12,500 segments took to parse). Two texts in three have no
capital letter past the first word of a sentence; there, what it finds is a bullet's first word
(« Constat », « Arrêter », « Coordination des soins », all the PER, ORG and MISC entities of
such texts in 1,200 real notes), never a person: `people.looks_like_person` keeps one word only
inside a sentence, two words only when both are capitalised, and spaCy's recogniser never lets
an entity cross a sentence boundary. Those texts are read as having no entity at all: the
same people are pseudonymised, and a sentence's first word is no longer dropped from the
lemmas as a "person". The other texts get exactly the entities of the whole pipeline.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

ENTITIES = "ner"


def docs(nlp, texts: Iterable[str], batch_size: int = 64) -> Iterator:
    """`nlp.pipe(texts)`, in order, with entities only for texts that may hold a name."""
    if ENTITIES not in nlp.pipe_names:
        yield from nlp.pipe(texts, batch_size=batch_size)
        return
    from spacy.util import minibatch

    recogniser = nlp.get_pipe(ENTITIES)
    parsed = nlp.pipe(texts, batch_size=batch_size, disable=[ENTITIES])
    for batch in minibatch(parsed, batch_size):
        named = []
        for doc in batch:
            if capital_inside(doc):
                named.append(doc)
            else:
                doc.set_ents([], default="outside")  # as the recogniser leaves a text without any
        for _ in recogniser.pipe(named, batch_size=batch_size):  # annotates the docs in place
            pass
        yield from batch


def capital_inside(doc) -> bool:
    """Whether a word other than a sentence's first holds a capital letter (a doc without
    sentence boundaries: a word other than its first)."""
    return any(t.text != t.lower_ and not t.is_sent_start for t in doc)
