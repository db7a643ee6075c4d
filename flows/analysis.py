"""Analysis flow: embed (cached), orient, themes. Tasks pass paths and ids, never models.

Each task is cached by Prefect on what really changes: the scope's documents (ids and content
hashes), the configuration, the seed, the models' fingerprints and the code itself (an upgrade
recomputes). Re-running with nothing new reuses the results; a new event changes the scope, so
orientation and themes are refitted while the embedding cache keeps every earlier vector.
"""

import functools
import hashlib
import json
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from pydantic import BaseModel, Field

from corpus import embed, orient
from corpus.config import Settings
from corpus.report import tables
from corpus.store import Store


class AnalysisParams(BaseModel):
    scope: str = Field(..., description="Input (absolute path) whose documents are analysed")
    store: str = "data/corpus.duckdb"
    out: str = Field(..., description="Output folder (themes.json)")
    seed: int = 42
    seed_from: str | None = Field(None, description="problematiques.json of an earlier run")
    run_id: str = ""


def _digest(*parts) -> str:
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def code_digest(roots: tuple[Path, ...] | None = None) -> str:
    """The code that computes the results: `src/corpus` and `flows`, every Python file.

    In the cache keys, so that results cached by an earlier version are recomputed after an
    upgrade (for example new theme clustering) instead of being served as if nothing changed.
    """
    if roots is None:
        return _installed_code_digest()
    digest = hashlib.sha256()
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.cache
def _installed_code_digest() -> str:
    import corpus

    return code_digest((Path(corpus.__file__).parent, Path(__file__).parent))


def file_digest(path: str | None) -> str:
    if not path or not Path(path).exists():
        return ""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _key(stage: str, params: AnalysisParams, settings: Settings, *extra) -> str:
    store = Store(params.store)
    return _digest(
        stage, str(Path(params.store).resolve()), params.scope,
        store.scope_fingerprint(params.scope), settings.as_dict(), params.seed,
        file_digest(params.seed_from), code_digest(), *extra,
    )


def orient_key(context, arguments) -> str:
    params, settings = arguments["params"], arguments["settings"]
    model = settings.orient_model or orient.default_model_file(settings.embedder_orient)
    return _key("orient", params, settings,
                embed.load_embedder(settings.embedder_orient).fingerprint, file_digest(str(model)))


def themes_key(context, arguments) -> str:
    params, settings = arguments["params"], arguments["settings"]
    # Not the output folder: the result carries themes.json's text, written by `write_themes`.
    return _key("themes", params, settings,
                embed.load_embedder(settings.embedder_themes).fingerprint,
                orient_key(context, arguments))


def _scope_segments(store: Store, scope: str):
    return store.segments(doc_ids=store.scope_doc_ids(scope))


@task(cache_key_fn=orient_key, persist_result=True)
def orient_scope(params: AnalysisParams, settings: Settings) -> dict:
    """Orientation of every segment of the scope, written back to the store."""
    store = Store(params.store)
    segs = _scope_segments(store, params.scope)
    model = (
        orient.OrientationModel.load(settings.orient_model) if settings.orient_model
        else orient.load_default_model(settings.embedder_orient)
    )
    vectors = (  # a lexical model needs no embeddings
        embed.embed_cached(embed.load_embedder(model.embedder), segs["text"].tolist(), store)
        if model.embedder else None
    )
    found = orient.orient_segments(segs, vectors, model)
    segs[["orientation", "orientation_score"]] = found[["orientation", "orientation_score"]]
    store.update_segments(segs)
    docs = orient.document_orientation(segs)
    store.update_documents(
        store.documents(doc_ids=docs.index).drop(columns=["orientation"]).merge(
            docs.reset_index(), on="doc_id", how="left"
        )
    )
    return segs["orientation"].value_counts().sort_index().to_dict()


@task(cache_key_fn=themes_key, persist_result=True)
def themes_scope(params: AnalysisParams, settings: Settings) -> dict:
    """Themes of the scope, ids matched to the registry and seeds (themes.json's text)."""
    from corpus import themes  # BERTopic and scikit-learn: loaded only when themes are fitted

    store = Store(params.store)
    segs = _scope_segments(store, params.scope)
    embedder = embed.load_embedder(settings.embedder_themes)
    vectors = embed.embed_cached(embedder, segs["text"].tolist(), store)
    seeds = (json.loads(Path(params.seed_from).read_text(encoding="utf-8"))
             if params.seed_from else None)
    seed_vectors = themes.seed_vectors(embedder, seeds) if seeds else None
    result = themes.fit_themes(
        segs, vectors, seed=params.seed, settings=settings, registry=store.theme_registry_full(),
        seed_topics=seeds, run_id=params.run_id, seed_vectors=seed_vectors,
    )
    merged = segs.drop(columns=["theme_id", "theme_label"]).merge(
        result.assignments[["segment_id", "theme_id", "theme_label"]], on="segment_id", how="left"
    )
    store.update_segments(merged)
    doc_theme = themes.document_themes(result.assignments, segs)
    docs = store.documents(doc_ids=doc_theme.index)
    docs["theme_id"] = docs["doc_id"].map(doc_theme)
    store.update_documents(docs)
    store.save_themes(result, run_id=params.run_id, fingerprint=embedder.fingerprint)
    assigned = merged["theme_id"].notna()
    return {
        "themes": len(result.themes),
        "outlier_fraction": round(float(1 - assigned.mean()) if len(merged) else 0.0, 4),
        "themes_json": themes.themes_json(result.themes),
        **{k: v for k, v in result.info.items() if isinstance(v, (int, float, str))},
    }


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def write_themes(text: str, out: str) -> str:
    """themes.json in the output folder, also when the themes came from Prefect's cache."""
    return str(tables.write_atomic(Path(out) / "themes.json", text.encode("utf-8")))


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def ensure_models_task() -> None:
    from corpus.models import ensure_models

    ensure_models(Settings().models_dir)


@flow(name="corpus-analysis")
def analysis_flow(params: AnalysisParams, settings: Settings | None = None) -> dict:
    """Orientation and themes of one input's segments."""
    logger = get_run_logger()
    settings = settings or Settings(store=Path(params.store), seed=params.seed)
    ensure_models_task()
    oriented = orient_scope(params, settings)
    found = dict(themes_scope(params, settings))
    path = write_themes(found.pop("themes_json"), params.out)
    logger.info("orientations %s ; %d thèmes", oriented, found["themes"])
    return {"orientation_counts": oriented, **found, "path": path}
