"""`corpus server` and `corpus serve`: scheduled runs on a Prefect server."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from corpus.cli.common import (
    DEFAULT_SEED,
    DEFAULT_STORE,
    SeedOpt,
    StoreOpt,
    app,
    console,
    fail,
    setup,
)

DEFAULT_API = "http://127.0.0.1:4200/api"


@app.command()
def server(
    port: Annotated[int, typer.Option("--port", help="Port (boucle locale).")] = 4200,
) -> None:
    """Démarre le serveur Prefect local (127.0.0.1) où `corpus serve` planifie ses passages."""
    setup()
    prefect = Path(sys.executable).with_name("prefect")
    args = [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    console.print(f"Serveur Prefect : http://127.0.0.1:{port} "
                  f"(PREFECT_HOME={os.environ['PREFECT_HOME']})")
    os.execv(args[0], args)


def server_ready(api_url: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"{api_url.rstrip('/')}/health", timeout=5) as resp:
            return resp.status == 200
    except OSError:
        return False


@app.command()
def serve(
    inbox: Annotated[Path, typer.Option("--inbox", help="Dossier de dépôt des démarches.")],
    out: Annotated[Path, typer.Option("--out", help="Sorties : OUT/<dossier>/.")] = Path(
        "reports"
    ),
    cron: Annotated[
        str | None, typer.Option("--cron", help="Planification cron, ex. '0 2 * * *'.")
    ] = None,
    interval: Annotated[
        int | None, typer.Option("--interval", help="Intervalle en secondes.")
    ] = None,
    store: StoreOpt = DEFAULT_STORE,
    seed: SeedOpt = DEFAULT_SEED,
) -> None:
    """Passages planifiés sur un serveur Prefect : chaque démarche nouvelle ou modifiée est
    traitée."""
    if (cron is None) == (interval is None):
        fail(ValueError("indiquez soit --cron EXPR, soit --interval SECONDES (un des deux)."))
    if interval is not None and interval < 1:
        fail(ValueError("--interval doit être un nombre de secondes positif."))
    if not inbox.is_dir():
        fail(FileNotFoundError(f"{inbox} : dossier de dépôt introuvable. Correction : créez-le."))
    os.environ.setdefault("PREFECT_API_URL", DEFAULT_API)
    setup()
    api = os.environ["PREFECT_API_URL"]
    if not server_ready(api):
        fail(RuntimeError(
            f"aucun serveur Prefect ne répond sur {api}. Correction : lancez d'abord "
            "`corpus server` dans un autre terminal, ou fixez PREFECT_API_URL."
        ))
    from flows.serve import InboxParams
    from flows.serve import serve as serve_inbox

    params = InboxParams(inbox=str(inbox), out=str(out), store=str(store), seed=seed)
    console.print(f"Boîte {inbox} servie sur {api} ; Ctrl-C pour arrêter.")
    serve_inbox(params, cron=cron, interval=interval)
