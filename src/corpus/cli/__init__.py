"""The `corpus` command line: parses arguments, calls the flows or the store, prints.

`common` (the Typer app, options, messages), `run` (commands that compute), `browse` (commands
that read the store), `explore` (the local explorer), `serve` (scheduled runs on a Prefect
server), `forget` (a person removed, RGPD).
"""

from corpus.cli import (  # noqa: F401  (each registers its commands)
    browse,
    correct,
    explore,
    forget,
    run,
    serve,
)
from corpus.cli.common import app
from corpus.cli.serve import server_ready

__all__ = ["app", "main", "server_ready"]


def main() -> None:
    app()
