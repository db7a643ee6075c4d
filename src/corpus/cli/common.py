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

from corpus.config import DEFAULT_SEED, DEFAULT_STORE, ConfigError, environment, prefect_env

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
themes_app = typer.Typer(
    help="Les thèmes en base (sans sous-commande : la liste), et leurs corrections par le "
    "groupe de coopération : renommer, fusionner, scinder, masquer, épingler.")
app.add_typer(themes_app, name="themes")
segment_app = typer.Typer(help="Corriger un segment : le déplacer, le réorienter.",
                          no_args_is_help=True)
app.add_typer(segment_app, name="segment")
corrections_app = typer.Typer(help="Le journal des corrections : lister, annuler, exporter.",
                              no_args_is_help=True)
app.add_typer(corrections_app, name="corrections")
console = Console(stderr=True)

StoreOpt = Annotated[Path, typer.Option("--store", help="Fichier DuckDB de la base.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Sortie JSON uniquement.")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Graine aléatoire.")]
TextOpt = Annotated[str | None, typer.Option("--text", help="Colonne du texte (table).")]
IdOpt = Annotated[str | None, typer.Option("--id", help="Colonne identifiant (table).")]
TerrOpt = Annotated[str | None, typer.Option("--territory", help="Colonne du territoire.")]
EventOpt = Annotated[str | None, typer.Option("--event", help="Colonne de l'événement.")]
AtelierOpt = Annotated[str | None, typer.Option("--atelier", help="Colonne de l'atelier.")]
StrictOpt = Annotated[
    bool, typer.Option("--strict", help="Refuser toute la démarche au premier fichier illisible "
                       "(par défaut : fichier écarté, le reste traité, code de sortie 3).")]
DebugOpt = Annotated[
    bool, typer.Option("--debug", help="Traces Python complètes des erreurs (pour un rapport de "
                       "bogue).")]
WaitOpt = Annotated[
    float | None, typer.Option("--wait", help="Secondes d'attente au plus si un autre run "
                               "utilise la base (défaut 3600, ou CORPUS_LOCK_TIMEOUT).")]
EXIT_SET_ASIDE = 3  # done, with unreadable files set aside
OrientOpt = Annotated[
    str | None,
    typer.Option("--orientation", help="Colonne d'orientations connues (difficulte/levier)."),
]
__all__ = ["DEFAULT_SEED", "DEFAULT_STORE", "EXIT_SET_ASIDE", "app", "console",
           "corrections_app", "debug_mode", "fail", "models_app", "orient_app", "print_json",
           "print_set_aside", "segment_app", "setup", "themes_app"]


def setup() -> None:
    """Prefect's settings for this project, and warnings only from the libraries."""
    os.environ.update(prefect_env(dict(os.environ)))
    try:
        environment()  # every CORPUS_* variable read now: a bad one stops here, with its fix
    except ConfigError as exc:
        fail(exc)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


def debug_mode(on: bool) -> None:
    """`--debug`: tracebacks everywhere (CORPUS_DEBUG=1 reaches the flows' log filter)."""
    if on:
        os.environ["CORPUS_DEBUG"] = "1"  # for this process and those it starts (Dask workers)
        environment.cache_clear()


def _debug() -> bool:
    try:
        return environment().debug
    except ConfigError:  # the error being reported may be this one
        return False


def fail(exc: Exception) -> NoReturn:
    """The error's message in red, exit code 2 (with its traceback under `--debug`)."""
    if _debug():
        console.print_exception()
    console.print(f"[bold red]Erreur[/] : {exc}", soft_wrap=True, highlight=False)
    raise typer.Exit(code=2)


def print_set_aside(set_aside: list[dict]) -> None:
    """The files a run left out, with the fix, after its results."""
    if not set_aside:
        return
    console.print(f"[bold yellow]{len(set_aside)} fichier(s) écarté(s)[/], illisibles ; le reste "
                  "a été traité. Corrigez-les puis relancez :", soft_wrap=True)
    for item in set_aside:
        line = item.get("line")
        where = item["path"] if line is None else f"{item['path']}, ligne {line}"
        whole = " (événement entier)" if item["kind"] == "evenement" else ""
        console.print(f"  {where}{whole} : {item['reason']}. Correction : {item['fix']}",
                      highlight=False, soft_wrap=True)


def print_json(payload) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")
