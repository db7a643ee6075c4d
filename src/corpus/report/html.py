"""`synthese.html`: one self-contained file (inline CSS, inline SVG charts, no script).

It must open offline from an e-mail attachment: nothing is fetched, no font, no image file, no
stylesheet, no link outside the page. The page is `templates/synthese.html.j2`, which inlines
`templates/synthese.css`; this module prepares what the template cannot compute (anchors, the
table of contents, the charts).
"""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path

from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from corpus.files import write_atomic
from corpus.report import charts
from corpus.report.markdown import Block, Chart, Heading, Items, Para, Quotes, Table, document
from corpus.synthesis.model import Synthesis


def _escape(value: object) -> object:
    """Every `{{ }}` value escaped as `html.escape` does (`&#x27;`, `&quot;`, as in the charts'
    `aria-label`) rather than as markupsafe does (`&#39;`, `&#34;`): the page kept its bytes when it
    moved to a template. Markup (the charts' SVG) passes as is."""
    return value if hasattr(value, "__html__") else Markup(html.escape(str(value)))


_ENV = Environment(
    loader=PackageLoader("corpus.report", "templates"),
    autoescape=True,
    finalize=_escape,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_ENV.tests.update(
    heading=lambda b: isinstance(b, Heading),
    para=lambda b: isinstance(b, Para),
    items=lambda b: isinstance(b, Items),
    quotes=lambda b: isinstance(b, Quotes),
    table=lambda b: isinstance(b, Table),
    chart=lambda b: isinstance(b, Chart),
)


def _slug(text: str, seen: dict[str, int]) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or "section"
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}-{seen[base]}"


def _chart_svg(b: Chart, syn: Synthesis) -> Markup | None:
    """The chart as inline SVG, or None when there is not enough data to draw it."""
    fig = charts.figure(b.name, syn)
    return None if fig is None else Markup(charts.svg(fig, b.name, b.caption))


def _nav_at(blocks: list[Block], svgs: dict[int, Markup | None]) -> int:
    """Index of the block the table of contents goes before: after the title and the paragraphs
    that follow it."""
    for i, b in enumerate(blocks[1:], 1):
        if not (isinstance(b, Para) or (isinstance(b, Chart) and svgs[i] is None)):
            return i
    return len(blocks)


def render_html(syn: Synthesis) -> str:
    # Blocks that would render nothing are dropped, so that the table of contents goes before
    # the first block that is shown after the introduction.
    blocks = [b for b in document(syn)
              if not (isinstance(b, Quotes) and not b.items)
              and not (isinstance(b, Table) and not b.rows)]
    seen: dict[str, int] = {}
    anchors = {i: _slug(b.text, seen) for i, b in enumerate(blocks) if isinstance(b, Heading)}
    svgs = {i: _chart_svg(b, syn) for i, b in enumerate(blocks) if isinstance(b, Chart)}
    toc = [(anchors[i], b.text) for i, b in enumerate(blocks)
           if isinstance(b, Heading) and b.level == 2]
    return _ENV.get_template("synthese.html.j2").render(
        title=syn.title, blocks=blocks, anchors=anchors, svgs=svgs, toc=toc,
        nav_at=_nav_at(blocks, svgs) if toc else None,
    )


def write_html(syn: Synthesis, path: Path) -> Path:
    return write_atomic(Path(path), render_html(syn).encode("utf-8"))
