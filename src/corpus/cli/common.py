"""What every `corpus` command shares: the Typer app, option types, messages and JSON output.

Flows and heavy libraries are imported inside the commands, so that `corpus --help` is instant
and Prefect's settings are in place before Prefect is imported.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from corpus.config import DEFAULT_SEED, DEFAULT_STORE, prefect_env

app = typer.Typer(
    help="corpus : des notes de scribe aux difficultés, leviers et problématiques du territoire.",
    no_args_is_help=True,
    add_completion=False,
)
models_app = typer.Typer(help="Modèles d'embedding locaux (hors ligne).", no_args_is_help=True)
app.add_typer(models_app, name="models")
orient_app = typer.Typer(help="Modèle d'orientation (difficulté / levier / autre).",
                         no_args_is_help=True)
app.add_typer(orient_app, name="orient")
console = Console(stderr=True)

StoreOpt = Annotated[Path, typer.Option("--store", help="Fichier DuckDB de la base.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Sortie JSON uniquement.")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Graine aléatoire.")]
TextOpt = Annotated[str | None, typer.Option("--text", help="Colonne du texte (table).")]
IdOpt = Annotated[str | None, typer.Option("--id", help="Colonne identifiant (table).")]
TerrOpt = Annotated[str | None, typer.Option("--territory", help="Colonne du territoire.")]
EventOpt = Annotated[str | None, typer.Option("--event", help="Colonne de l'événement.")]
AtelierOpt = Annotated[str | None, typer.Option("--atelier", help="Colonne de l'atelier.")]
OrientOpt = Annotated[
    str | None,
    typer.Option("--orientation", help="Colonne d'orientations connues (difficulte/levier)."),
]
__all__ = ["DEFAULT_SEED", "DEFAULT_STORE", "app", "console", "fail", "models_app", "orient_app",
           "print_json", "setup"]


def setup() -> None:
    """Prefect's settings for this project, and warnings only from the libraries."""
    os.environ.update(prefect_env(dict(os.environ)))
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


def fail(exc: Exception) -> NoReturn:
    """The error's message in red, exit code 2."""
    console.print(f"[bold red]Erreur[/] : {exc}")
    raise typer.Exit(code=2)


def print_json(payload) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")
