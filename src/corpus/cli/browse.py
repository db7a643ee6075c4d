"""`corpus status`, `sql`, `query`, `themes`, `theme` and `export`: the commands that read the
store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from corpus.cli.common import (
    DEFAULT_STORE,
    JsonOpt,
    StoreOpt,
    app,
    console,
    fail,
    print_json,
    setup,
    themes_app,
)
from corpus.records import ORIENTATIONS


@app.command()
def status(store: StoreOpt = DEFAULT_STORE, as_json: JsonOpt = False) -> None:
    """Ce que la base contient."""
    from corpus.store import Store

    counts = Store(store).counts()
    if as_json:
        print_json(counts)
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
    from corpus.store import StoreError

    try:
        frame = _open(store).sql(query)
    except StoreError as exc:
        fail(exc)
    if as_json:
        print_json(json.loads(frame.to_json(orient="records", force_ascii=False)))
    else:
        Console().print(frame.to_string(index=False))


@app.command("query")
def query_cmd(
    text: Annotated[str, typer.Argument(help="Question ou mots cherchés, en français.")],
    territory: Annotated[
        str | None, typer.Option("--territory", help="Limiter à un territoire (identifiant).")
    ] = None,
    event: Annotated[
        str | None,
        typer.Option("--event", help="Limiter à un événement (identifiant ou nom de dossier)."),
    ] = None,
    orientation: Annotated[
        str | None, typer.Option("--orientation", help="difficulte, levier ou autre.")
    ] = None,
    theme: Annotated[
        str | None, typer.Option("--theme", help="Limiter à un thème (identifiant, ex. T003).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="Nombre de résultats.")] = 10,
    store: StoreOpt = DEFAULT_STORE,
    as_json: JsonOpt = False,
) -> None:
    """Recherche sémantique dans les segments (filtres, puis proximité de sens)."""
    setup()
    from corpus.api import SearchError
    from corpus.embed.base import ModelError
    from corpus.store import StoreError

    try:
        found = _open(store).query(
            text, territory=territory, event=event, orientation=orientation, theme=theme,
            limit=limit,
        )
    except (SearchError, StoreError, ModelError) as exc:
        fail(exc)
    if as_json:
        print_json(json.loads(found.to_json(orient="records", force_ascii=False)))
        return
    if found.empty:
        console.print("Aucun segment ne correspond à ces filtres.")
        return
    table = Table(title=f"« {text} »", show_lines=True)
    table.add_column("score", justify="right")
    table.add_column("territoire / atelier", ratio=1, overflow="fold")
    table.add_column("orientation")
    table.add_column("thème", ratio=1)
    table.add_column("segment", ratio=3, min_width=30)
    for r in found.itertuples(index=False):
        theme_cell = " ".join(str(v) for v in (r.theme_id, r.theme_label) if isinstance(v, str))
        table.add_row(
            f"{r.score:.3f}", f"{r.territory}\n{r.atelier}", r.orientation or "", theme_cell,
            r.text,
        )
    Console().print(table)
    console.print(f"{len(found)} segments ; identifiants complets avec --json.")


@app.command("export")
def export_cmd(
    fmt: Annotated[
        str, typer.Option("--format", help="parquet, csv, qdpx (REFI-QDA) ou iramuteq.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Fichier ou dossier de sortie.")],
    input: Annotated[
        Path | None,
        typer.Option("--input", help="N'exporter qu'une entrée déjà ingérée (démarche ou table)."),
    ] = None,
    store: StoreOpt = DEFAULT_STORE,
    as_json: JsonOpt = False,
) -> None:
    """Exporte les segments pour d'autres outils : Excel, IRaMuTeQ, logiciels QDA (REFI-QDA)."""
    from corpus.export import ExportError, check_format, export
    from corpus.store import Store, StoreError

    try:
        chosen = check_format(fmt)
        scope = str(input.resolve()) if input is not None else None
        files = export(Store(store), chosen, out, scope=scope)
    except (ExportError, StoreError, OSError) as exc:
        fail(exc)
    if as_json:
        print_json({"format": chosen, "files": [str(p) for p in files]})
        return
    console.print(f"[green]Export {chosen}[/] :")
    for path in files:
        console.print(f"  {path}")


def _open(store: Path):
    """The store through the Python API (`corpus.api`), or a French error naming the fix."""
    from corpus.api import CorpusStore

    try:
        return CorpusStore(store)
    except FileNotFoundError as exc:
        fail(exc)


def _check_orientation(value: str | None) -> None:
    if value is not None and value not in ORIENTATIONS:
        fail(ValueError(
            f"orientation « {value} » inconnue. Valeurs acceptées : {', '.join(ORIENTATIONS)}."
        ))


@themes_app.callback(invoke_without_command=True)
def themes_cmd(
    ctx: typer.Context,
    territory: Annotated[str | None, typer.Option("--territory", help="Territoire.")] = None,
    orientation: Annotated[
        str | None, typer.Option("--orientation", help="difficulte, levier ou autre.")
    ] = None,
    store: StoreOpt = DEFAULT_STORE,
    as_json: JsonOpt = False,
) -> None:
    """Les thèmes en base, classés par nombre d'ateliers puis de territoires ; leurs
    corrections avec une sous-commande (rename, merge, split, hide, pin)."""
    from corpus.api import SearchError

    if ctx.invoked_subcommand is not None:
        return
    _check_orientation(orientation)
    try:
        frame = _open(store).themes(territory=territory, orientation=orientation)
    except SearchError as exc:
        fail(exc)
    if as_json:
        print_json(json.loads(frame.to_json(orient="records", force_ascii=False)))
        return
    table = Table(title="Thèmes")
    for col in ("thème", "libellé", "ateliers", "territoires", "segments", "difficultés",
                "leviers"):
        table.add_column(col, justify="right" if col not in ("thème", "libellé") else "left")
    for row in frame.itertuples():
        table.add_row(row.theme_id, row.label, str(row.ateliers), str(row.territories),
                      str(row.segments), str(row.difficulte), str(row.levier))
    Console().print(table)


@app.command("theme")
def theme_cmd(
    theme_id: Annotated[str, typer.Argument(help="Identifiant du thème, ex. T003.")],
    limit: Annotated[int, typer.Option("--limit", help="Segments affichés.")] = 20,
    store: StoreOpt = DEFAULT_STORE,
    as_json: JsonOpt = False,
) -> None:
    """Un thème et les segments qui le fondent (pour vérifier un thème contre ses citations)."""
    from corpus.api import SearchError

    try:
        payload = _open(store).theme(theme_id)
    except SearchError as exc:
        fail(exc)
    if as_json:
        print_json(payload)
        return
    out = Console()
    out.print(f"[bold]{theme_id} — {payload['label']}[/]")
    out.print(
        f"{payload['segments']} segments, {payload['ateliers']} ateliers, "
        f"{payload['territories']} territoire(s) ; {payload['difficulte']} difficultés, "
        f"{payload['levier']} leviers, {payload['autre']} autres"
    )
    for seg in payload["segments_list"][:limit]:
        out.print(f"- [{seg['orientation']}] {seg['text']}  [dim]({seg['segment_id']})[/]")
