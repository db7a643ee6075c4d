"""`corpus explore`: the local explorer, on 127.0.0.1 by default."""

from __future__ import annotations

from typing import Annotated

import typer

from corpus.cli.common import DEFAULT_STORE, StoreOpt, app, console, fail


@app.command("explore")
def explore(
    store: StoreOpt = DEFAULT_STORE,
    host: Annotated[str, typer.Option("--host", help="Adresse d'écoute.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port d'écoute.")] = 8765,
) -> None:
    """Explorateur local : carte des segments, filtres, recherche, pages de thèmes."""
    import threading

    import uvicorn

    from corpus.api import CorpusStore
    from corpus.explore.app import create_app

    try:
        api = CorpusStore(store)
    except FileNotFoundError as exc:
        fail(exc)

    def warm() -> None:  # the map and the query model, before the first click
        from corpus.explore.projection import projection

        with api.lock:
            projection(api)
        with api.lock:
            api.vectors()
        api.embedder.encode(["préchauffage"])

    threading.Thread(target=warm, daemon=True).start()
    console.print(f"Explorateur : http://{host}:{port}/  (Ctrl+C pour arrêter)")
    uvicorn.run(create_app(api, host=host), host=host, port=port, log_level="warning")
