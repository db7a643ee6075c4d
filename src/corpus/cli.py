"""The `corpus` command line: parses arguments, calls the flows, prints.

Flows and heavy libraries are imported inside the commands, so that `corpus --help` is instant
and Prefect's settings are in place before Prefect is imported.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from corpus.config import prefect_env

app = typer.Typer(
    help="corpus : des notes de scribe aux difficultés, leviers et problématiques du territoire.",
    no_args_is_help=True,
    add_completion=False,
)
models_app = typer.Typer(help="Modèles d'embedding locaux (hors ligne).", no_args_is_help=True)
app.add_typer(models_app, name="models")
console = Console(stderr=True)

StoreOpt = Annotated[Path, typer.Option("--store", help="Fichier DuckDB de la base.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Sortie JSON uniquement.")]
TextOpt = Annotated[str | None, typer.Option("--text", help="Colonne du texte (table).")]
IdOpt = Annotated[str | None, typer.Option("--id", help="Colonne identifiant (table).")]
TerrOpt = Annotated[str | None, typer.Option("--territory", help="Colonne du territoire.")]
EventOpt = Annotated[str | None, typer.Option("--event", help="Colonne de l'événement.")]
AtelierOpt = Annotated[str | None, typer.Option("--atelier", help="Colonne de l'atelier.")]
OrientOpt = Annotated[
    str | None,
    typer.Option("--orientation", help="Colonne d'orientations connues (difficulte/levier)."),
]
DEFAULT_STORE = Path("data/corpus.duckdb")


def _setup() -> None:
    os.environ.update(prefect_env(dict(os.environ)))
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


def _fail(exc: Exception) -> None:
    console.print(f"[bold red]Erreur[/] : {exc}")
    raise typer.Exit(code=2)


def _table_options(text, id, territory, event, atelier, orientation):
    from flows.ingest import TableOptions

    return TableOptions(
        text=text, id=id, territory=territory, event=event, atelier=atelier,
        orientation=orientation,
    )


def _print_json(payload) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")


@app.command()
def run(
    input: Annotated[Path, typer.Argument(help="Dossier de démarche ou table.")] = Path(
        "data/sample"
    ),
    out: Annotated[Path | None, typer.Option("--out", help="Dossier de sortie.")] = None,
    store: StoreOpt = DEFAULT_STORE,
    seed_from: Annotated[
        Path | None, typer.Option("--seed-from", help="problematiques.json d'un run précédent.")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Graine aléatoire.")] = 42,
    text: TextOpt = None,
    id: IdOpt = None,
    territory: TerrOpt = None,
    event: EventOpt = None,
    atelier: AtelierOpt = None,
    orientation: OrientOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Toute la chaîne sur une démarche : ingestion, analyse, synthèse, problématiques."""
    _setup()
    from corpus.ingest import IngestError
    from corpus.store import StoreError
    from flows.pipeline import RunParams, pipeline

    params = RunParams(
        input=str(input), out=str(out) if out else None, store=str(store), seed=seed,
        seed_from=str(seed_from) if seed_from else None,
        table=_table_options(text, id, territory, event, atelier, orientation),
    )
    try:
        summary = pipeline(params)
    except (IngestError, StoreError, FileNotFoundError) as exc:
        _fail(exc)
    if as_json:
        _print_json(summary)
        return
    counts = summary["counts"]
    console.print(
        f"[green]Terminé[/] : {counts['documents']} documents, {counts['segments']} segments."
    )
    console.print(f"Résultats dans [bold]{summary['out']}[/] :")
    for name, path in summary["files"].items():
        console.print(f"  {name:<16} {path}")


@app.command()
def ingest(
    input: Annotated[Path, typer.Argument(help="Dossier de démarche ou table.")],
    store: StoreOpt = DEFAULT_STORE,
    text: TextOpt = None,
    id: IdOpt = None,
    territory: TerrOpt = None,
    event: EventOpt = None,
    atelier: AtelierOpt = None,
    orientation: OrientOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Ingestion seule (idempotente) : lit, segmente, pseudonymise et range en base."""
    _setup()
    from corpus.ingest import IngestError
    from corpus.store import StoreError
    from flows.ingest import IngestParams, ingest_flow

    params = IngestParams(
        input=str(input), store=str(store),
        table=_table_options(text, id, territory, event, atelier, orientation),
    )
    try:
        result = ingest_flow(params)
    except (IngestError, StoreError, FileNotFoundError) as exc:
        _fail(exc)
    payload = {
        "documents": len(result.doc_ids), "unchanged": result.unchanged, "added": result.added
    }
    if as_json:
        _print_json(payload)
    else:
        console.print(
            f"{payload['documents']} documents lus, {result.unchanged} déjà en base ; ajoutés : "
            f"{result.added['documents']} documents, {result.added['segments']} segments, "
            f"{result.added['feedback']} retours."
        )


@app.command()
def status(store: StoreOpt = DEFAULT_STORE, as_json: JsonOpt = False) -> None:
    """Ce que la base contient."""
    from corpus.store import Store

    counts = Store(store).counts()
    if as_json:
        _print_json(counts)
        return
    table = Table(title=f"Base {store}")
    table.add_column("table")
    table.add_column("lignes", justify="right")
    for name, n in counts.items():
        table.add_row(name, str(n))
    Console().print(table)


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="Requête SELECT (lecture seule).")],
    store: StoreOpt = DEFAULT_STORE,
    as_json: JsonOpt = False,
) -> None:
    """Requête SQL en lecture seule sur la base."""
    from corpus.store import Store, StoreError

    try:
        frame = Store(store).read_only_sql(query)
    except StoreError as exc:
        _fail(exc)
    if as_json:
        _print_json(json.loads(frame.to_json(orient="records", force_ascii=False)))
    else:
        Console().print(frame.to_string(index=False))


@models_app.command("build")
def models_build(
    force: Annotated[bool, typer.Option("--force", help="Reconstruire même si présent.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Prépare models/ hors ligne à partir des paquets installés."""
    from corpus.config import Settings
    from corpus.models import ModelError, build_models

    try:
        manifest = build_models(Settings().models_dir, force=force)
    except ModelError as exc:
        _fail(exc)
    if as_json:
        _print_json(manifest)
    else:
        console.print(f"[green]Modèles prêts[/] dans {Settings().models_dir}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
