"""The marks pseudonymisation leaves in a text, and the text without them."""

from __future__ import annotations

import re

EMAIL_MARK = "[e-mail retiré]"
PHONE_MARK = "[téléphone retiré]"
FORGOTTEN_MARK = "[personne retirée]"  # `corpus forget`, when no single pseudonym is known
MARKS = re.compile(r"\[(?:e-mail|téléphone) retiré\]|\[personne retirée\]|\bPersonne \d+\b")


def without_marks(text: str) -> str:
    """`text` without the marks left by pseudonymisation: a removed phone number or a
    pseudonym says nothing of the subject (themes and labels read the rest)."""
    return re.sub(r"\s{2,}", " ", MARKS.sub("", text)).strip()
