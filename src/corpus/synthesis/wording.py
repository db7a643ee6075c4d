"""How the synthesis writes things a reader sees: dates in French, quotes (never a contact),
an atelier's déroulé as one line, and the loop with the previous territory's problématiques."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import date

import pandas as pd

from corpus.synthesis.model import Loop, ThemeSummary
from corpus.text.deroule import is_atelier_name
from corpus.text.french import left_open
from corpus.text.protect import EMAIL_MARK, PHONE_MARK, leaks

QUOTE_MAX_CHARS = 280
_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre")


def french_date(value) -> str:
    """'19 mars 2026' from a date, a timestamp or an ISO string; '' when unknown."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    try:
        d = pd.Timestamp(value).date() if not isinstance(value, date) else value
    except (ValueError, TypeError):
        return str(value)
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def quotable(text: str) -> bool:
    """Never quote an e-mail, a phone, or a line whose contact was removed."""
    return bool(text) and "@" not in text and not leaks(text) and EMAIL_MARK not in text \
        and PHONE_MARK not in text


def clip(text: str, limit: int = QUOTE_MAX_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


_PAIRS = {"«": "»", '"': '"', "“": "”"}


def as_quote(text: str, limit: int = QUOTE_MAX_CHARS) -> str:
    """A segment as the synthesis quotes it (between « »): clipped, and without the quotation
    marks of a segment that is itself one quotation (« « Les chiffres m'aident… » » read
    twice quoted)."""
    text = " ".join(str(text).split())
    close = _PAIRS.get(text[:1])
    if close and len(text) > 2 and text.endswith(close) and text.count(text[0]) == 1 + (
            close == text[0]) and text.count(close) == 1 + (close == text[0]):
        text = text[1:-1].strip()
    return clip(text, limit)


def ran_as(lines: Sequence[str], limit: int = 240) -> str:
    """An atelier's déroulé lines as one line of the synthesis, each sentence a part:
    "Méthode des échos ; Exposante : conseillère VAE ; 14 participants". The atelier's name
    (« Atelier 8 : alternance et TPE ») is left out: its line already gives its question."""
    parts = [p.strip().rstrip(".;").strip() for line in lines if not is_atelier_name(str(line))
             for p in re.split(r"(?<=[.;])\s+(?=[^\s»])", " ".join(str(line).split()))]
    text = ""
    for part in (p for p in parts if p and quotable(p)):
        # a line the segmenter cut inside a quotation (« … le BTP ? » then « », puis … »)
        # reads on as written
        glued = left_open(text) or part.startswith("»")
        text = part if not text else f"{text}{' ' if glued else ' ; '}{part}"
    return clip(text, limit)


def as_int(value) -> int | None:
    try:
        return None if value is None or pd.isna(value) else int(value)
    except (TypeError, ValueError):
        return None


def as_strings(value) -> list[str]:
    if value is None or isinstance(value, float):
        return []
    if isinstance(value, str):
        return [s.strip() for s in value.split(";") if s.strip()]
    return [str(s).strip() for s in value if str(s).strip()]


def loop_status(themes: Sequence[ThemeSummary], previous: Sequence[Mapping]) -> Loop:
    """Previous problématiques found again (same theme id or seed id), faded, and new themes."""
    by_id = {t.theme_id: t for t in themes}
    by_seed = {t.seed_theme_id: t for t in themes if t.seed_theme_id}
    found, faded, matched = [], [], set()
    for item in previous:
        pid = str(item.get("theme_id", ""))
        cur = by_id.get(pid) or by_seed.get(pid)
        base = {"previous_theme_id": pid, "previous_question": str(item.get("question", "")),
                "previous_label": str(item.get("theme_label") or item.get("label") or "")}
        if cur is None:
            faded.append(base)
            continue
        matched.add(cur.theme_id)
        found.append(base | {"theme_id": cur.theme_id, "label": cur.label, "size": cur.size,
                             "n_ateliers": len(cur.by_atelier), "territories": cur.territories})
    new = [
        {"theme_id": t.theme_id, "label": t.label, "size": t.size,
         "n_ateliers": len(t.by_atelier), "territories": t.territories}
        for t in sorted(themes, key=lambda t: (-len(t.by_atelier), -t.size, t.theme_id))
        if t.theme_id not in matched and t.status != "retrouvé"
    ]
    return Loop(found, faded, new)
