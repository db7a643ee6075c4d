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
orient_app = typer.Typer(help="Modèle d'orientation (difficulté / levier / autre).",
                         no_args_is_help=True)
app.add_typer(orient_app, name="orient")
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
    orient_model: Annotated[
        Path | None,
        typer.Option("--orient-model", help="Modèle d'orientation de l'équipe (corpus orient train)."),
    ] = None,
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
        orient_model=str(orient_model) if orient_model else None,
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
    _setup()
    from corpus.models import ModelError
    from corpus.search import SearchError, query
    from corpus.store import Store, StoreError

    try:
        found = query(
            Store(store), text, territory=territory, event=event, orientation=orientation,
            theme=theme, limit=limit,
        )
    except (SearchError, StoreError, ModelError) as exc:
        _fail(exc)
    if as_json:
        _print_json(json.loads(found.to_json(orient="records", force_ascii=False)))
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
        _fail(exc)
    if as_json:
        _print_json({"format": chosen, "files": [str(p) for p in files]})
        return
    console.print(f"[green]Export {chosen}[/] :")
    for path in files:
        console.print(f"  {path}")


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


@orient_app.command("train")
def orient_train(
    table: Annotated[Path, typer.Option("--table", help="Table étiquetée (CSV, XLSX, Parquet).")],
    text: Annotated[str, typer.Option("--text", help="Colonne du texte.")],
    label: Annotated[str, typer.Option("--label", help="Colonne de l'étiquette.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Fichier du modèle (défaut : models/).")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Graine aléatoire.")] = 42,
    as_json: JsonOpt = False,
) -> None:
    """Entraîne le modèle d'orientation sur le codage de votre équipe."""
    from corpus.config import Settings
    from corpus.ingest import IngestError
    from corpus.orient import train_from_table

    target = out or Settings().models_dir / "orient_model-equipe.npz"
    try:
        metrics = train_from_table(table, text=text, label=label, out=target, seed=seed)
    except (IngestError, ValueError, FileNotFoundError) as exc:
        _fail(exc)
    if as_json:
        _print_json(metrics)
    else:
        console.print_json(json.dumps(metrics, ensure_ascii=False, default=str))


@app.command()
def evaluate(
    file: Annotated[Path, typer.Argument(help="Table étiquetée.")],
    text: Annotated[str, typer.Option("--text", help="Colonne du texte.")],
    label: Annotated[str, typer.Option("--label", help="Colonne des thèmes de référence.")],
    id: IdOpt = None,
    orientation: OrientOpt = None,
    seed: Annotated[int, typer.Option("--seed", help="Graine aléatoire.")] = 42,
    as_json: JsonOpt = False,
) -> None:
    """Compare les thèmes (et l'orientation) de la machine à votre codage, au niveau document."""
    from corpus.evaluate import evaluate_table
    from corpus.ingest import IngestError

    try:
        figures = evaluate_table(file, text=text, label=label, id=id, orientation=orientation,
                                 seed=seed)
    except (IngestError, ValueError, FileNotFoundError) as exc:
        _fail(exc)
    if as_json:
        _print_json(figures)
    else:
        for key, value in figures.items():
            console.print(f"{key:<24} {value}")


ORIENTATIONS = ("difficulte", "levier", "autre")


def _check_orientation(value: str | None) -> None:
    if value is not None and value not in ORIENTATIONS:
        _fail(ValueError(
            f"orientation « {value} » inconnue. Valeurs acceptées : {', '.join(ORIENTATIONS)}."
        ))


@app.command("themes")
def themes_cmd(
    territory: Annotated[str | None, typer.Option("--territory", help="Territoire.")] = None,
    orientation: Annotated[
        str | None, typer.Option("--orientation", help="difficulte, levier ou autre.")
    ] = None,
    store: StoreOpt = DEFAULT_STORE,
    as_json: JsonOpt = False,
) -> None:
    """Les thèmes en base, classés par nombre d'ateliers puis de territoires."""
    from corpus.store import Store

    _check_orientation(orientation)
    frame = Store(store).theme_summaries(territory=territory, orientation=orientation)
    if as_json:
        _print_json(json.loads(frame.to_json(orient="records", force_ascii=False)))
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
    from corpus.store import Store

    db = Store(store)
    summary = db.theme_summaries()
    row = summary[summary["theme_id"] == theme_id]
    if row.empty:
        known = ", ".join(summary["theme_id"].tolist()[:20]) or "aucun"
        _fail(ValueError(f"thème « {theme_id} » absent de la base. Thèmes connus : {known}."))
    segs = db.theme_segments(theme_id)
    payload = {
        **json.loads(row.to_json(orient="records", force_ascii=False))[0],
        "ateliers_list": sorted({f"{e}/{a}" for e, a in zip(segs.event_id, segs.atelier_id)}),
        "segments_list": json.loads(segs.to_json(orient="records", force_ascii=False)),
    }
    if as_json:
        _print_json(payload)
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


DEFAULT_API = "http://127.0.0.1:4200/api"


@app.command()
def server(
    port: Annotated[int, typer.Option("--port", help="Port (boucle locale).")] = 4200,
) -> None:
    """Démarre le serveur Prefect local (127.0.0.1) où `corpus serve` planifie ses passages."""
    _setup()
    prefect = Path(sys.executable).with_name("prefect")
    args = [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    console.print(f"Serveur Prefect : http://127.0.0.1:{port} (PREFECT_HOME={os.environ['PREFECT_HOME']})")
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
    seed: Annotated[int, typer.Option("--seed", help="Graine aléatoire.")] = 42,
) -> None:
    """Passages planifiés sur un serveur Prefect : chaque démarche nouvelle ou modifiée est traitée."""
    if (cron is None) == (interval is None):
        _fail(ValueError("indiquez soit --cron EXPR, soit --interval SECONDES (un des deux)."))
    if interval is not None and interval < 1:
        _fail(ValueError("--interval doit être un nombre de secondes positif."))
    if not inbox.is_dir():
        _fail(FileNotFoundError(f"{inbox} : dossier de dépôt introuvable. Correction : créez-le."))
    os.environ.setdefault("PREFECT_API_URL", DEFAULT_API)
    _setup()
    api = os.environ["PREFECT_API_URL"]
    if not server_ready(api):
        _fail(RuntimeError(
            f"aucun serveur Prefect ne répond sur {api}. Correction : lancez d'abord "
            "`corpus server` dans un autre terminal, ou fixez PREFECT_API_URL."
        ))
    from flows.serve import InboxParams
    from flows.serve import serve as serve_inbox

    params = InboxParams(inbox=str(inbox), out=str(out), store=str(store), seed=seed)
    console.print(f"Boîte {inbox} servie sur {api} ; Ctrl-C pour arrêter.")
    serve_inbox(params, cron=cron, interval=interval)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
