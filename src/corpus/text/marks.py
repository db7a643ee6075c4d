"""The marks pseudonymisation leaves in a text, and the text without them."""

from __future__ import annotations

import re

EMAIL_MARK = "[e-mail retiré]"
PHONE_MARK = "[téléphone retiré]"
FORGOTTEN_MARK = "[personne retirée]"  # `corpus forget`, when no single pseudonym is known
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Not glued to a word by a hyphen: "gdq-0327558434e2" is an identifier (a table row's hash).
PHONE = re.compile(
    r"(?<![\w+])(?<!\w-)(?:(?:\+|00)\s?33\s?(?:\(0\)\s?)?[1-9]|0[1-9])(?:[ .\-]?\d{2}){4}(?!\d)"
)
MARKS = re.compile(r"\[(?:e-mail|téléphone) retiré\]|\[personne retirée\]|\bPersonne \d+\b")


def without_marks(text: str) -> str:
    """`text` without the marks left by pseudonymisation: a removed phone number or a
    pseudonym says nothing of the subject (themes and labels read the rest)."""
    return re.sub(r"\s{2,}", " ", MARKS.sub("", text)).strip()
