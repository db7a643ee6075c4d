"""`synthese.html`: one self-contained file (inline CSS, inline SVG charts, no script).

It must open offline from an e-mail attachment: nothing is fetched, no font, no image file, no
stylesheet, no link outside the page.
"""

from __future__ import annotations

import re
import unicodedata
from html import escape
from pathlib import Path

from corpus.files import write_atomic
from corpus.report import charts
from corpus.report.markdown import Chart, Heading, Items, Para, Quotes, Table, document
from corpus.synthesis.model import Synthesis

CSS = """
:root { --diff: #c8553d; --lev: #2a9d8f; --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial,
       sans-serif; color: var(--ink); max-width: 62rem; margin: 0 auto; padding: 1.5rem;
       line-height: 1.5; background: #fff; }
h1 { font-size: 1.8rem; border-bottom: 3px solid var(--lev); padding-bottom: .3rem; }
h2 { font-size: 1.45rem; margin-top: 2.5rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.15rem; margin-top: 1.8rem; color: #243b53; }
h4 { font-size: 1rem; margin: 1.2rem 0 .3rem; }
nav { background: #f0f4f8; padding: .6rem 1rem; border-radius: 6px; }
nav ol { margin: .2rem 0; }
a { color: #1d5f8a; }
.muted { color: var(--muted); font-style: italic; }
ul.items { padding-left: 1.2rem; margin: .3rem 0; }
blockquote { margin: .4rem 0 .6rem; padding: .35rem .8rem; border-left: 4px solid var(--line);
             background: #fafbfc; }
blockquote p { margin: 0; }
blockquote footer { color: var(--muted); font-size: .8rem; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0; font-size: .88rem; }
th, td { border: 1px solid var(--line); padding: .3rem .45rem; text-align: left;
         vertical-align: top; }
th { background: #f0f4f8; }
figure { margin: 1rem 0; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: .85rem; }
@media print { nav { display: none; } h2 { page-break-before: always; } }
"""


def _slug(text: str, seen: dict[str, int]) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or "section"
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}-{seen[base]}"


def render_html(syn: Synthesis) -> str:
    blocks = document(syn)
    seen: dict[str, int] = {}
    body: list[str] = []
    toc: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            anchor = _slug(b.text, seen)
            body.append(f'<h{b.level} id="{anchor}">{escape(b.text)}</h{b.level}>')
            if b.level == 2:
                toc.append(f'<li><a href="#{anchor}">{escape(b.text)}</a></li>')
        elif isinstance(b, Para):
            cls = ' class="muted"' if b.muted else ""
            body.append(f"<p{cls}>{escape(b.text)}</p>")
        elif isinstance(b, Items):
            lis = "".join(f"<li><strong>{escape(k)}</strong> : {escape(v)}</li>" if k
                          else f"<li>{escape(v)}</li>" for k, v in b.items)
            body.append(f'<ul class="items">{lis}</ul>')
        elif isinstance(b, Quotes):
            body += [f"<blockquote><p>« {escape(q)} »</p><footer>— {escape(s)}</footer>"
                     "</blockquote>" for q, s in b.items]
        elif isinstance(b, Table) and b.rows:
            head = "".join(f"<th>{escape(h)}</th>" for h in b.header)
            rows = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                           for row in b.rows)
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        elif isinstance(b, Chart):
            fig = charts.figure(b.name, syn)
            if fig is None:
                body.append(f'<p class="muted">{escape(b.caption)} : pas assez de données.</p>')
                continue
            body.append(f"<figure>{charts.svg(fig, b.name, b.caption)}"
                        f"<figcaption>{escape(b.caption)}</figcaption></figure>")
    if toc:
        nav = f'<nav><strong>Sommaire</strong><ol>{"".join(toc)}</ol></nav>'
        body.insert(1 + next(i for i, x in enumerate(body[1:]) if not x.startswith("<p")), nav)
    return (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(syn.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body) + "\n</body>\n</html>\n"
    )


def write_html(syn: Synthesis, path: Path) -> Path:
    return write_atomic(Path(path), render_html(syn).encode("utf-8"))
