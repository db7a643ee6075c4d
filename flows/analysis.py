"""Analysis flow: embed (cached), orient, themes. Tasks pass paths and ids, never models.

Each task is cached by Prefect on what really changes (`corpus.pipeline.stage_key`): the
scope's documents as stored, the configuration, the seed, the models' fingerprints and the code
itself (an upgrade recomputes). Re-running with nothing new reuses the results; a new event
changes the scope, so orientation and themes are refitted while the embedding cache keeps every
earlier vector.
"""

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from pydantic import BaseModel, Field

from corpus import embed, pipeline
from corpus.config import DEFAULT_STORE, Settings
from corpus.files import write_atomic
from corpus.store import Store

FLOWS = Path(__file__).parent


class AnalysisParams(BaseModel):
    scope: str = Field(..., description="Input (absolute path) whose documents are analysed")
    store: str = str(DEFAULT_STORE)
    out: str = Field(..., description="Output folder (themes.json)")
    seed: int = 42
    seed_from: str | None = Field(None, description="problematiques.json of an earlier run")
    run_id: str = ""


def code_digest() -> str:
    return pipeline.code_digest(FLOWS)


def orient_key(context, arguments) -> str:
    params, settings = arguments["params"], arguments["settings"]
    return pipeline.stage_key("orient", Store(params.store), params.scope, settings,
                              params.seed_from, code_digest(),
                              *pipeline.orient_fingerprints(settings))


def themes_key(context, arguments) -> str:
    params, settings = arguments["params"], arguments["settings"]
    # Not the output folder: the result carries themes.json's text, written by `write_themes`.
    return pipeline.stage_key("themes", Store(params.store), params.scope, settings,
                              params.seed_from, code_digest(),
                              embed.load_embedder(settings.embedder_themes).fingerprint,
                              orient_key(context, arguments))


@task(cache_key_fn=orient_key, persist_result=True)
def orient_scope(params: AnalysisParams, settings: Settings) -> dict:
    """Orientation of every segment of the scope, written back to the store."""
    return pipeline.orient_scope(Store(params.store), params.scope, settings)


@task(cache_key_fn=themes_key, persist_result=True)
def themes_scope(params: AnalysisParams, settings: Settings) -> dict:
    """Themes of the scope, ids matched to the registry and seeds (themes.json's text)."""
    return pipeline.themes_scope(Store(params.store), params.scope, settings,
                                 seed_from=params.seed_from, run_id=params.run_id)


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def write_themes(text: str, out: str) -> str:
    """themes.json in the output folder, also when the themes came from Prefect's cache."""
    return str(write_atomic(Path(out) / "themes.json", text.encode("utf-8")))


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def ensure_models_task(settings: Settings) -> None:
    from corpus.embed.provision import ensure_models

    ensure_models(settings.models_dir)


@flow(name="corpus-analysis")
def analysis_flow(params: AnalysisParams, settings: Settings | None = None) -> dict:
    """Orientation and themes of one input's segments."""
    logger = get_run_logger()
    settings = settings or Settings(store=Path(params.store), seed=params.seed)
    ensure_models_task(settings)
    oriented = orient_scope(params, settings)
    found = dict(themes_scope(params, settings))
    path = write_themes(found.pop("themes_json"), params.out)
    logger.info("orientations %s ; %d thèmes", oriented, found["themes"])
    return {"orientation_counts": oriented, **found, "path": path}
