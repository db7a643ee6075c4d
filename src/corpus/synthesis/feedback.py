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

from corpus.text.french import fold, folded_stop_words
from corpus.text.protect import leaks

_WORD = re.compile(r"[^\W\d_][\w-]*", re.UNICODE)
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
    stop = folded_stop_words(domain=True)
    for text in answers:
        keys = set()
        for word in _WORD.findall(text.replace("'", " ").replace("’", " ")):
            key = _key(word)
            if len(key) < 3 or key in stop or fold(word) in stop:
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
