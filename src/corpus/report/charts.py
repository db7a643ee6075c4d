"""Charts of the synthesis, drawn with matplotlib (Agg), as inline SVG or PNG bytes.

Deterministic: a fixed `svg.hashsalt`, no dates or software names in the metadata, text kept as
text (`svg.fonttype = 'none'`), and ids prefixed per chart so several SVGs can share one page.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from html import escape

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from corpus.synthesis.model import Synthesis, ThemeSummary

COLOURS = {"difficulte": "#c8553d", "levier": "#2a9d8f", "autre": "#b8b8b8"}
NAMES = {"difficulte": "Difficultés", "levier": "Leviers", "autre": "Autres"}
RC = {
    "svg.hashsalt": "corpus-synthese",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
SVG_META = {"Date": None, "Creator": None, "Format": None, "Type": None}
MAX_THEMES = 12


def _short(text: str, n: int = 38) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _ranked(syn: Synthesis) -> list[ThemeSummary]:
    themes = [t for t in syn.themes if t.recurring] or list(syn.themes)
    themes.sort(key=lambda t: (-len(t.by_atelier), -len(t.territories), -t.size, t.theme_id))
    return themes[:MAX_THEMES]


def orientation_bars(syn: Synthesis) -> Figure | None:
    """Recurring themes as horizontal bars stacked by orientation (number of segments)."""
    themes = _ranked(syn)[::-1]
    if not themes:
        return None
    fig = Figure(figsize=(7.5, 0.42 * len(themes) + 1.4))
    ax = fig.add_subplot()
    y = np.arange(len(themes))
    left = np.zeros(len(themes))
    for o in ("difficulte", "levier", "autre"):
        values = np.array([t.orientation_counts[o] for t in themes], dtype=float)
        ax.barh(y, values, left=left, color=COLOURS[o], label=NAMES[o], height=0.65)
        left += values
    ax.set_yticks(y, [f"{t.theme_id} · {_short(t.label)}" for t in themes])
    ax.set_xlabel("Segments")
    ax.legend(loc="lower right", frameon=False)
    fig.tight_layout()
    return fig


def _initials(syn: Synthesis, key: str) -> str:
    """Territory initials for an atelier key: "Alpes-de-Haute-Provence" -> "AHP"."""
    name = syn.territory_names.get(key.split("/")[0], key.split("/")[0])
    return "".join(w[0] for w in re.split(r"[\s'-]+", name) if w[:1].isupper()) or name[:3]


def theme_heatmap(syn: Synthesis) -> Figure | None:
    """Themes × ateliers (× territories when there are many ateliers): segments per cell."""
    themes = _ranked(syn)
    if not themes:
        return None
    by_territory = len({k for t in themes for k in t.by_atelier}) > 30
    if by_territory:
        columns = sorted(syn.territory_names.values())
        cells = [[sum(n for k, n in t.by_atelier.items()
                      if syn.territory_names.get(k.split("/")[0], "") == c) for c in columns]
                 for t in themes]
        labels = columns
    else:
        columns = sorted({k for t in themes for k in t.by_atelier})
        cells = [[t.by_atelier.get(k, 0) for k in columns] for t in themes]
        labels = [f"{_short(k.rsplit('/', 1)[-1], 26)} ({_initials(syn, k)})" for k in columns]
    data = np.array(cells, dtype=float)
    fig = Figure(figsize=(max(6.0, 0.55 * len(columns) + 4.0), 0.45 * len(themes) + 2.8))
    ax = fig.add_subplot()
    # pcolormesh stays vector in SVG (imshow would embed a PNG).
    ax.pcolormesh(data, cmap="Blues", vmin=0, edgecolors="white", linewidth=1)
    ax.invert_yaxis()
    for (i, j), v in np.ndenumerate(data):
        if v:
            ax.text(j + 0.5, i + 0.5, f"{v:g}", ha="center", va="center", fontsize=8,
                    color="white" if v > data.max() / 2 else "#1d3557")
    ax.set_xticks(np.arange(len(labels)) + 0.5, labels, rotation=55, ha="right")
    ax.set_yticks(np.arange(len(themes)) + 0.5, [f"{t.theme_id} · {_short(t.label, 34)}"
                                                 for t in themes])
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    if not by_territory:
        keys = sorted({k.split("/")[0] for k in columns})
        legend = " ; ".join(f"{_initials(syn, k + '/')} = {syn.territory_names.get(k, k)}"
                            for k in keys)
        fig.text(0.01, 0.01, legend, fontsize=8, color="#52606d")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def segment_map(syn: Synthesis) -> Figure | None:
    """Segments on the first two principal components of their embeddings, coloured by theme."""
    if not syn.map_points:
        return None
    by_size = sorted(syn.themes, key=lambda t: (-t.size, t.theme_id))[:10]
    palette = matplotlib.colormaps["tab10"]
    colour = {t.theme_id: palette(i) for i, t in enumerate(by_size)}
    fig = Figure(figsize=(7.5, 5.0))
    ax = fig.add_subplot()
    pts = syn.map_points
    grey = [(x, y) for _, x, y, t in pts if t not in colour]
    if grey:
        gx, gy = zip(*grey, strict=True)
        ax.scatter(gx, gy, s=14, color="#cccccc", label="Hors thème ou autres thèmes")
    for t in by_size:
        xy = [(x, y) for _, x, y, tid in pts if tid == t.theme_id]
        if xy:
            xs, ys = zip(*xy, strict=True)
            ax.scatter(xs, ys, s=18, color=colour[t.theme_id],
                       label=f"{t.theme_id} · {_short(t.label, 30)}")
    ax.set_xlabel("Composante 1")
    ax.set_ylabel("Composante 2")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


CHARTS: dict[str, Callable[[Synthesis], Figure | None]] = {
    "orientations": orientation_bars,
    "heatmap": theme_heatmap,
    "carte": segment_map,
}


def figure(name: str, syn: Synthesis) -> Figure | None:
    with matplotlib.rc_context(RC):
        return CHARTS[name](syn)


def svg(fig: Figure, prefix: str, title: str = "") -> str:
    """The figure as an `<svg>` element for inline HTML: no XML header, no external namespace."""
    buf = io.StringIO()
    with matplotlib.rc_context(RC):
        fig.savefig(buf, format="svg", metadata=SVG_META)
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", text, count=0)
    text = re.sub(r'<svg\s+width="([\d.]+)pt"\s+height="([\d.]+)pt"',
                  r'<svg role="img" width="\1pt" height="\2pt"', text, count=1)
    if title:
        text = text.replace(">", f' aria-label="{escape(title, quote=True)}">', 1)
    text = re.sub(r'id="([^"]+)"', rf'id="{prefix}-\1"', text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', text)
    return re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", text).strip()


def png(fig: Figure, dpi: int = 150) -> bytes:
    buf = io.BytesIO()
    with matplotlib.rc_context(RC):
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()
