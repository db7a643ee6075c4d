"""Synthesis flow: the end-of-event synthesis (md, html, docx) and the next problématiques."""

import json
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from pydantic import BaseModel, Field

from corpus import pipeline
from corpus.config import DEFAULT_STORE, Settings
from corpus.files import digest
from corpus.store import Store
from flows import quiet
from flows.analysis import code_digest


class SynthesisParams(BaseModel):
    scope: str
    store: str = str(DEFAULT_STORE)
    out: str = Field(..., description="Folder holding segments.parquet and themes.json")
    seed_from: str | None = None
    set_aside: list[dict] = Field(default_factory=list, description="Files left out by ingest")


def synthesis_key(context, arguments) -> str:
    """Not the output files themselves: the result carries their bytes (`write_files`)."""
    params: SynthesisParams = arguments["params"]
    key = pipeline.synthesis_key(Store(params.store), params.scope, params.out,
                                 arguments["settings"], params.seed_from, code_digest())
    return digest("synthesis-set-aside", key, params.set_aside) if params.set_aside else key


@task(cache_key_fn=synthesis_key, persist_result=True)
def synthesize_scope(params: SynthesisParams, settings: Settings) -> dict:
    return pipeline.synthesize_scope(Store(params.store), params.scope, params.out, settings,
                                     seed_from=params.seed_from, set_aside=params.set_aside)


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE,
      retry_condition_fn=quiet.retry_unexpected)
def write_files(out: str, contents: dict[str, bytes]) -> None:
    """The synthesis files, also when they came from Prefect's cache; each replaced whole."""
    pipeline.write_files(out, contents)


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
