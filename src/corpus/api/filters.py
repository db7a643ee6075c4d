"""Filters of the Python API and the explorer: which segments match, or an error naming the
accepted values."""

from __future__ import annotations

import numpy as np

from corpus.records import ORIENTATIONS
from corpus.text.french import fold

FILTERS = ("territory", "event", "atelier", "orientation", "theme", "group")


class SearchError(ValueError):
    """A request that cannot run: an unknown filter value, an empty question."""


def check_orientation(orientation: str | None) -> str | None:
    """The orientation as stored, or a SearchError naming the accepted values."""
    if orientation is None:
        return None
    value = fold(orientation.strip())
    if value not in ORIENTATIONS:
        raise SearchError(
            f"Orientation « {orientation} » inconnue. Valeurs acceptées : "
            f"{', '.join(ORIENTATIONS)}."
        )
    return value


def unknown(kind: str, given: str, values) -> SearchError:
    """The error for a value the store does not hold, with (up to 20 of) the accepted ones."""
    values = sorted({str(v) for v in values})
    shown = ", ".join(values[:20]) + (" ..." if len(values) > 20 else "")
    return SearchError(
        f"{kind} « {given} » absent de la base. Valeurs acceptées : {shown or '(aucune)'}."
    )


def mask(index, *, territory: str | None = None, event: str | None = None,
         atelier: str | None = None, orientation: str | None = None,
         theme: str | None = None, group: str | None = None) -> np.ndarray:
    """Which segments of `index` (`corpus.api.index.Index`) match every given filter.

    Territory, theme and group ignore case; an event is its id or its last part; an atelier
    its id or "event/atelier". A value that matches nothing raises a SearchError naming the
    accepted values.
    """
    cols = index.columns
    keep = np.ones(len(index.meta), dtype=bool)
    if orientation not in (None, ""):
        keep &= cols["orientation"] == check_orientation(orientation)
    for key, kind, column, value in (("territory", "Territoire", "territory", territory),
                                     ("theme", "Thème", "theme_id", theme),
                                     ("group", "Grand thème", "group_id", group)):
        if value in (None, ""):
            continue
        hit = cols[key] == value.strip().lower()
        if not hit.any():
            raise unknown(kind, value, index.meta[column].dropna())
        keep &= hit
    if event not in (None, ""):
        events = cols["event"]
        hit = (events == event) | np.char.endswith(events.astype(str), f"/{event}")
        if not hit.any():
            raise unknown("Événement", event, events)
        keep &= hit
    if atelier not in (None, ""):
        ateliers = cols["atelier"]
        full = np.char.add(np.char.add(cols["event"].astype(str), "/"), ateliers.astype(str))
        hit = (ateliers == atelier) | (full == atelier)
        if not hit.any():
            raise unknown("Atelier", atelier, full)
        keep &= hit
    return keep
