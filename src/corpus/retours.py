"""What participants said at the end of the event (retours): ratings and open answers.

Kept simple and honest: ratings get their number of answers, mean and distribution; each open
question gets the terms that several answers share (counted once per answer) and two answers
that use them, quoted as written (answers are pseudonymised upstream).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from corpus.protect import leaks
from corpus.segment import fold

_WORD = re.compile(r"[^\W\d_][\w-]*", re.UNICODE)
# French function words and fillers of short feedback answers (compared without accents).
_STOP = set("""
a afin ai aie ainsi alors apres as au aucun aucune aupres aussi autre autres aux avant avec
avoir avons bien beaucoup c ca car ce ceci cela celle celles celui ces cet cette ceux chaque
chez chose choses comme comment d dans de des deja depuis donc dont du elle elles en encore
enfin entre est et etaient etait ete etre eu eux faire fait faut fois font il ils j je jusqu l
la le les leur leurs lors lui m ma mais me meme memes mes moi moins mon n ne ni non nos notre
nous on ont ou oui par parce pas peu peut plus plutot pour pourquoi pouvoir qu quand que quel
quelle quelles quels qui quoi rien s sa sans se ses si sien son sont sous suis sur t ta te tes
toi ton toujours tous tout toute toutes tres trop tu un une va vais vers via voir vos votre vous
vraiment y besoin mieux enfin autant assez avez etc
""".split())


@dataclass
class RatingStat:
    column: str
    n: int
    mean: float
    distribution: dict[str, int]  # value as written in French ("4,5") -> number of answers


@dataclass
class AnswerSummary:
    question: str
    n: int
    terms: list[tuple[str, int]]  # (term, number of answers that use it), shared terms only
    quotes: list[str]


@dataclass
class FeedbackSummary:
    n: int
    ratings: list[RatingStat]
    answers: list[AnswerSummary]


def as_dict(value) -> dict:
    """A ratings/answers cell: a dict, a JSON string or nothing."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, str) and value.strip():
        return dict(json.loads(value))
    return {}


def _key(word: str) -> str:
    key = fold(word)
    return key[:-1] if len(key) > 4 and key[-1] in "sx" else key


def answer_summary(question: str, answers: Sequence[str], *, n_terms: int = 6,
                   n_quotes: int = 2) -> AnswerSummary:
    """Terms shared by at least two answers to `question`, with two answers that use them."""
    answers = [a for a in answers if a.strip() and not leaks(a)]
    forms: dict[str, Counter] = {}
    per_answer: list[set[str]] = []
    for text in answers:
        keys = set()
        for word in _WORD.findall(text.replace("'", " ").replace("’", " ")):
            key = _key(word)
            if len(key) < 3 or key in _STOP or fold(word) in _STOP:
                continue
            keys.add(key)
            forms.setdefault(key, Counter())[word if word.isupper() else word.lower()] += 1
        per_answer.append(keys)
    df = Counter(k for keys in per_answer for k in keys)
    shared = sorted((k for k, c in df.items() if c >= 2), key=lambda k: (-df[k], k))[:n_terms]
    terms = [(forms[k].most_common(1)[0][0], df[k]) for k in shared]
    weight = {k: df[k] for k in shared}
    order = sorted(range(len(answers)),
                   key=lambda i: (-sum(weight.get(k, 0) for k in per_answer[i]), i))
    quotes = [answers[i] for i in order if per_answer[i] & set(shared)][:n_quotes]
    return AnswerSummary(question, len(answers), terms, quotes)


def summarise_feedback(feedback: pd.DataFrame) -> FeedbackSummary:
    """Ratings (n, mean, distribution) and the shared terms of each open question."""
    ratings: dict[str, list[float]] = {}
    answers: dict[str, list[str]] = {}
    if "feedback_id" in feedback:
        feedback = feedback.sort_values("feedback_id", kind="stable")
    for _, row in feedback.iterrows():
        for col, val in as_dict(row.get("ratings")).items():
            if val is not None and not pd.isna(val):
                ratings.setdefault(col, []).append(float(val))
        for question, text in as_dict(row.get("answers")).items():
            if isinstance(text, str) and text.strip():
                answers.setdefault(question, []).append(text.strip())
    stats = []
    for col in sorted(ratings):
        vals = ratings[col]
        dist = Counter(f"{v:g}".replace(".", ",") for v in sorted(vals))
        stats.append(RatingStat(col, len(vals), round(sum(vals) / len(vals), 2), dict(dist)))
    return FeedbackSummary(
        len(feedback), stats, [answer_summary(q, texts) for q, texts in answers.items()]
    )
