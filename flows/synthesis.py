"""Synthesis flow: the end-of-event synthesis (md, html, docx) and the next problématiques."""

import json
import tempfile
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from pydantic import BaseModel, Field

from corpus import embed
from corpus.config import Settings
from corpus.report import tables
from corpus.store import Store
from flows.analysis import _digest, code_digest, file_digest

FILES = ("synthese.md", "synthese.html", "synthese.docx", "problematiques.json",
         "problematiques.md")


class SynthesisParams(BaseModel):
    scope: str
    store: str = "data/corpus.duckdb"
    out: str = Field(..., description="Folder holding segments.parquet and themes.json")
    seed_from: str | None = None


def synthesis_key(context, arguments) -> str:
    """Same segments, themes, manifests and feedback, seed problématiques, settings and code.

    Not the output files themselves: the result carries their bytes, written by `write_files`.
    """
    params: SynthesisParams = arguments["params"]
    settings: Settings = arguments["settings"]
    out = Path(params.out)
    store = Store(params.store)
    doc_ids = store.scope_doc_ids(params.scope)
    frames = _scope_frames(store, doc_ids) if doc_ids else {}
    manifests = {  # rows in a fixed order: DuckDB does not promise one without ORDER BY
        name: frame.astype(str).sort_values(list(frame.columns)).to_csv(index=False)
        for name, frame in frames.items()
    }
    return _digest(
        "synthesis", [file_digest(str(out / n)) for n in ("segments.parquet", "themes.json")],
        file_digest(params.seed_from), manifests, settings.as_dict(),
        str(Path(params.store).resolve()), code_digest(),
    )


def _scope_frames(store: Store, doc_ids: list[str]) -> dict:
    docs = store.documents(doc_ids=doc_ids)
    events = sorted(docs["event_id"].unique())
    frames = {}
    for table in ("events", "ateliers", "feedback"):
        frame = store.frame(f"SELECT * FROM {table} WHERE event_id IN (SELECT unnest(?))", [events])
        frames[table] = frame
    frames["territories"] = store.frame(
        "SELECT * FROM territories WHERE territory_id IN (SELECT unnest(?))",
        [sorted(docs["territory_id"].unique())],
    )
    return frames


@task(cache_key_fn=synthesis_key, persist_result=True)
def synthesize_scope(params: SynthesisParams, settings: Settings) -> dict:
    # Loaded only when the synthesis is computed, not when it comes from the cache.
    from corpus.problematiques import build_problematiques, write_problematiques
    from corpus.report import docx, html, markdown
    from corpus.synthesize import build_synthesis

    store = Store(params.store)
    out = Path(params.out)
    segs = tables.segments_table(store.segments(doc_ids=store.scope_doc_ids(params.scope)))
    found = json.loads((out / "themes.json").read_text(encoding="utf-8"))
    vectors = embed.embed_cached(
        embed.load_embedder(settings.embedder_themes), segs["text"].tolist(), store
    )
    previous = (
        json.loads(Path(params.seed_from).read_text(encoding="utf-8")) if params.seed_from else None
    )
    syn = build_synthesis(
        segs, found, embeddings=vectors, previous=previous,
        recurring_min_ateliers=settings.recurring_min_ateliers,
        **_scope_frames(store, segs["doc_id"].unique().tolist()),
    )
    items = build_problematiques(syn)
    with tempfile.TemporaryDirectory(prefix="corpus-synthese-") as tmp:
        draft = Path(tmp)
        markdown.write_markdown(syn, draft / "synthese.md")
        html.write_html(syn, draft / "synthese.html")
        docx.write_docx(syn, draft / "synthese.docx")
        write_problematiques(items, draft / "problematiques.json", draft / "problematiques.md")
        contents = {name: (draft / name).read_bytes() for name in FILES}
    return {
        "contents": contents,
        "files": {Path(n).stem + Path(n).suffix.replace(".", "_"): str(out / n) for n in FILES},
        "problematiques": [
            {"rang": i + 1, "question": p["question"], "theme_id": p["theme_id"],
             "poids": p["weight"]}
            for i, p in enumerate(items[:10])
        ],
    }


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def write_files(out: str, contents: dict[str, bytes]) -> None:
    """The synthesis files, also when they came from Prefect's cache; each replaced whole."""
    for name, data in sorted(contents.items()):
        tables.write_atomic(Path(out) / name, data)


@task
def publish_artifacts(out: str, result: dict) -> None:
    """Keyed artifacts, so they version across runs in the Prefect UI."""
    key = "corpus-" + "".join(c if c.isalnum() else "-" for c in Path(out).name.lower())[:40]
    text = (Path(out) / "synthese.md").read_text(encoding="utf-8")
    create_markdown_artifact(key=f"{key}-synthese", markdown=text,
                             description="Synthèse de l'événement")
    found = json.loads((Path(out) / "themes.json").read_text(encoding="utf-8"))
    top = sorted(found, key=lambda t: (-t["n_ateliers"], -t["n_territories"], -t["size"],
                                       t["theme_id"]))[:10]
    if top:
        create_table_artifact(
            key=f"{key}-themes",
            table=[{"theme_id": t["theme_id"], "thème": t["label"], "ateliers": t["n_ateliers"],
                    "territoires": t["n_territories"], "segments": t["size"]} for t in top],
            description="Thèmes récurrents les plus présents",
        )
    if result["problematiques"]:
        create_table_artifact(key=f"{key}-problematiques", table=result["problematiques"],
                              description="Problématiques les plus pesantes")
    for name, path in sorted(result["files"].items()):
        create_link_artifact(key=f"{key}-{name.replace('_', '-')}"[:60],
                             link=Path(path).resolve().as_uri(), link_text=Path(path).name)


@flow(name="corpus-synthesis")
def synthesis_flow(params: SynthesisParams, settings: Settings | None = None) -> dict:
    logger = get_run_logger()
    settings = settings or Settings(store=Path(params.store))
    result = dict(synthesize_scope(params, settings))
    write_files(params.out, result.pop("contents"))
    publish_artifacts(params.out, result)
    logger.info("Synthèse et problématiques écrites dans %s", params.out)
    return result
