"""`corpus run`, `ingest`, `evaluate`, `orient train` and `models build`: the commands that
compute."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from corpus.cli.common import (
    DEFAULT_SEED,
    DEFAULT_STORE,
    EXIT_SET_ASIDE,
    AtelierOpt,
    DebugOpt,
    EventOpt,
    IdOpt,
    JsonOpt,
    OrientOpt,
    SeedOpt,
    StoreOpt,
    StrictOpt,
    TerrOpt,
    TextOpt,
    WaitOpt,
    app,
    console,
    debug_mode,
    fail,
    models_app,
    orient_app,
    print_json,
    print_set_aside,
    setup,
)


def _table_options(text, id, territory, event, atelier, orientation):
    from corpus.ingest import TableOptions

    return TableOptions(
        text=text, id=id, territory=territory, event=event, atelier=atelier,
        orientation=orientation,
    )


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
    seed: SeedOpt = DEFAULT_SEED,
    orient_model: Annotated[
        Path | None,
        typer.Option("--orient-model",
                     help="Modèle d'orientation de l'équipe (corpus orient train)."),
    ] = None,
    text: TextOpt = None,
    id: IdOpt = None,
    territory: TerrOpt = None,
    event: EventOpt = None,
    atelier: AtelierOpt = None,
    orientation: OrientOpt = None,
    strict: StrictOpt = False,
    debug: DebugOpt = False,
    wait: WaitOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Toute la chaîne sur une démarche : ingestion, analyse, synthèse, problématiques.

    Codes de sortie : 0 terminé ; 3 terminé avec des fichiers illisibles écartés (listés dans
    la synthèse et run.json) ; 2 refusé (commande, ou fichier illisible avec --strict).
    """
    for option, path in (("--seed-from", seed_from), ("--orient-model", orient_model)):
        if path is not None and not path.is_file():
            fail(FileNotFoundError(f"{path} : fichier introuvable ({option}). Correction : "
                                   "vérifiez le chemin, ou retirez l'option."))
    setup()
    debug_mode(debug)
    from flows.pipeline import RunParams, pipeline
    from flows.quiet import EXPECTED
    from flows.server import temporary_server

    params = RunParams(
        input=str(input), out=str(out) if out else None, store=str(store), seed=seed,
        seed_from=str(seed_from) if seed_from else None,
        orient_model=str(orient_model) if orient_model else None,
        table=_table_options(text, id, territory, event, atelier, orientation),
        strict=strict, lock_timeout_s=wait,
    )
    try:
        with _waited(store, wait), temporary_server():
            summary = pipeline(params)
    except EXPECTED as exc:
        fail(exc)
    if as_json:
        print_json(summary)
        _exit_set_aside(summary["set_aside"])
        return
    counts = summary["counts"]
    console.print(
        f"[green]Terminé[/] : {counts['documents']} documents, {counts['segments']} segments."
    )
    console.print(f"Résultats dans [bold]{summary['out']}[/] :")
    for name, path in summary["files"].items():
        console.print(f"  {name:<16} {path}")
    _print_corrections(summary.get("corrections") or {})
    print_set_aside(summary["set_aside"])
    _exit_set_aside(summary["set_aside"])


def _print_corrections(found: dict) -> None:
    """The group's corrections replayed, and one line per correction that no longer applies."""
    applied, stale = found.get("applied", []), found.get("not_applicable", [])
    if not applied and not stale:
        return
    console.print(f"Corrections du groupe rejouées : {len(applied)} appliquée(s)"
                  + (f", [bold yellow]{len(stale)} non applicable(s)[/] :" if stale else "."))
    for item in stale:
        console.print(f"  {item['correction_id']} ({item['description']}) : {item['reason']}",
                      highlight=False, soft_wrap=True)


def _waited(store: Path, wait: float | None):
    """The store's run lock, waited for here before Prefect's temporary server starts: a
    second run waits saying so, without a server beside the first one's. The flow owns the
    lock (`flows.pipeline`, for scheduled runs too) and takes it again, re-entrantly."""
    from corpus.config import Settings
    from corpus.store import runlock

    return runlock.writer(store, timeout=runlock.timeout_s(wait, Settings().run_lock_timeout_s))


def _exit_set_aside(set_aside: list[dict]) -> None:
    if set_aside:
        raise typer.Exit(code=EXIT_SET_ASIDE)


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
    strict: StrictOpt = False,
    debug: DebugOpt = False,
    wait: WaitOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Ingestion seule (idempotente) : lit, segmente, pseudonymise et range en base.

    Codes de sortie comme `corpus run` : 0, 3 (fichiers écartés), 2 (refusé).
    """
    setup()
    debug_mode(debug)
    from flows.ingest import IngestParams, ingest_flow
    from flows.quiet import EXPECTED
    from flows.server import temporary_server

    params = IngestParams(
        input=str(input), store=str(store),
        table=_table_options(text, id, territory, event, atelier, orientation),
        strict=strict, lock_timeout_s=wait,
    )
    try:
        with _waited(store, wait), temporary_server():
            result = ingest_flow(params)
    except EXPECTED as exc:
        fail(exc)
    payload = {
        "documents": len(result.doc_ids), "unchanged": result.unchanged, "added": result.added,
        "set_aside": result.set_aside,
    }
    if as_json:
        print_json(payload)
    else:
        console.print(
            f"{payload['documents']} documents lus, {result.unchanged} déjà en base ; ajoutés : "
            f"{result.added['documents']} documents, {result.added['segments']} segments, "
            f"{result.added['feedback']} retours."
        )
        print_set_aside(result.set_aside)
    _exit_set_aside(result.set_aside)


@models_app.command("build")
def models_build(
    force: Annotated[bool, typer.Option("--force", help="Reconstruire même si présent.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Prépare models/ hors ligne à partir des paquets installés (plongements, communes)."""
    from corpus.config import Settings
    from corpus.embed.fast import export_onnx
    from corpus.embed.provision import ModelError, build_models
    from corpus.text.places import french_communes

    models_dir = Settings().models_dir
    try:
        manifest = build_models(models_dir, force=force)
        export_onnx(models_dir, force=force)  # the query embedder without torch
    except ModelError as exc:
        fail(exc)
    communes = french_communes(models_dir)
    if as_json:
        print_json(manifest)
    else:
        console.print(f"[green]Modèles prêts[/] dans {models_dir} "
                      f"({len(communes)} noms de communes)")


@orient_app.command("train")
def orient_train(
    table: Annotated[Path | None, typer.Option("--table", help="Table étiquetée (CSV, XLSX, "
                                                               "Parquet).")] = None,
    text: Annotated[str | None, typer.Option("--text", help="Colonne du texte.")] = None,
    label: Annotated[str | None, typer.Option("--label", help="Colonne de l'étiquette.")] = None,
    from_corrections: Annotated[bool, typer.Option(
        "--from-corrections", help="Réentraîner avec les corrections d'orientation du groupe "
        "de coopération (journal de la base --store).")] = False,
    store: StoreOpt = DEFAULT_STORE,
    out: Annotated[
        Path | None, typer.Option("--out", help="Fichier du modèle (défaut : models/).")
    ] = None,
    seed: SeedOpt = DEFAULT_SEED,
    as_json: JsonOpt = False,
) -> None:
    """Entraîne le modèle d'orientation sur le codage de votre équipe (--table), ou le
    réentraîne avec les corrections du groupe de coopération (--from-corrections)."""
    from corpus.config import Settings
    from corpus.ingest import IngestError
    from corpus.pipeline import train_from_corrections, train_orientation

    settings = Settings(seed=seed)
    try:
        if from_corrections:
            if not Path(store).exists():
                raise FileNotFoundError(f"{store} : base introuvable. Correction : passez "
                                        "--store FICHIER.")
            from corpus.store import Store

            metrics = train_from_corrections(Store(store), settings, out=out)
        else:
            if table is None or not text or not label:
                raise ValueError("donnez --table, --text et --label, ou --from-corrections.")
            target = out or settings.models_dir / "orient_model-equipe.npz"
            metrics = train_orientation(table, text=text, label=label, out=target,
                                        settings=settings)
    except (IngestError, ValueError, FileNotFoundError) as exc:
        fail(exc)
    if as_json:
        print_json(metrics)
    else:
        console.print_json(json.dumps(metrics, ensure_ascii=False, default=str))
        if from_corrections:
            console.print(f"Pour l'utiliser : corpus run ... --orient-model {metrics['model']}")


@app.command()
def evaluate(
    file: Annotated[Path, typer.Argument(help="Table étiquetée.")],
    text: Annotated[str, typer.Option("--text", help="Colonne du texte.")],
    label: Annotated[str, typer.Option("--label", help="Colonne des thèmes de référence.")],
    id: IdOpt = None,
    orientation: OrientOpt = None,
    seed: SeedOpt = DEFAULT_SEED,
    as_json: JsonOpt = False,
) -> None:
    """Compare les thèmes (et l'orientation) de la machine à votre codage, au niveau document."""
    from corpus.evaluate import evaluate_table
    from corpus.ingest import IngestError

    try:
        figures = evaluate_table(file, text=text, label=label, id=id, orientation=orientation,
                                 seed=seed)
    except (IngestError, ValueError, FileNotFoundError) as exc:
        fail(exc)
    if as_json:
        print_json(figures)
    else:
        for key, value in figures.items():
            console.print(f"{key:<24} {value}")
