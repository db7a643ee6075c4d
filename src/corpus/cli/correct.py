"""`corpus themes rename|merge|split|hide|pin`, `corpus segment move|orient`, `corpus
corrections list|undo|export`: the groupe de coopération's corrections, kept in the store's log
and replayed at every run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from corpus.cli.common import (
    DEFAULT_STORE,
    JsonOpt,
    StoreOpt,
    corrections_app,
    fail,
    print_json,
    segment_app,
    themes_app,
)

ByOpt = Annotated[str, typer.Option("--by", help="Qui corrige (un nom libre).")]
WhyOpt = Annotated[str, typer.Option("--why", help="Pourquoi (gardé dans le journal).")]
ThemeArg = Annotated[str, typer.Argument(help="Identifiant du thème (T003) ou grand thème (G02).")]
SegmentArg = Annotated[str, typer.Argument(help="Identifiant du segment.")]


def _open(store: Path):
    from corpus.api import CorpusStore

    try:
        return CorpusStore(store)
    except FileNotFoundError as exc:
        fail(exc)


def _correct(store: Path, action: str, target: str, value: Any, by: str, why: str,
             as_json: bool) -> None:
    from corpus.api import CorrectionError
    from corpus.corrections import describe
    from corpus.store import StoreError

    try:
        row = _open(store).correct(action, target, value, by=by, why=why)
    except (CorrectionError, StoreError) as exc:
        fail(exc)
    if as_json:
        print_json(row)
        return
    Console().print(f"[green]{row['correction_id']}[/] : {describe(row)} — appliquée. "
                    "Relancez `corpus run` pour mettre à jour la synthèse ; `corpus "
                    f"corrections undo {row['correction_id']}` l'annule.", highlight=False)


@themes_app.command("rename")
def rename(theme_id: ThemeArg,
           label: Annotated[str, typer.Argument(help="Le nouvel intitulé.")],
           by: ByOpt = "", why: WhyOpt = "", store: StoreOpt = DEFAULT_STORE,
           as_json: JsonOpt = False) -> None:
    """Renomme un thème ou un grand thème ; l'intitulé est gardé aux runs suivants."""
    _correct(store, "rename", theme_id, {"label": label}, by, why, as_json)


@themes_app.command("merge")
def merge(theme_ids: Annotated[list[str], typer.Argument(help="Le thème gardé, puis ceux qui "
                                                               "le rejoignent.")],
          label: Annotated[str | None, typer.Option("--label", help="Intitulé du thème "
                                                                      "fusionné.")] = None,
          by: ByOpt = "", why: WhyOpt = "", store: StoreOpt = DEFAULT_STORE,
          as_json: JsonOpt = False) -> None:
    """Fusionne des thèmes dans le premier nommé."""
    if len(theme_ids) < 2:
        fail(ValueError("fusionner : donnez au moins deux thèmes (ex. T003 T007)."))
    value = {"themes": theme_ids[1:], **({"label": label} if label else {})}
    _correct(store, "merge", theme_ids[0], value, by, why, as_json)


@themes_app.command("split")
def split(theme_id: ThemeArg,
          into: Annotated[int, typer.Option("--into", help="Nombre de parties (regroupement "
                                                           "de ses segments).")] = 2,
          segments: Annotated[list[str] | None, typer.Option(
              "--segment", help="Segment mis à part dans un nouveau thème (répétable) ; "
              "remplace --into.")] = None,
          label: Annotated[str | None, typer.Option("--label", help="Intitulé de la partie "
                                                                      "mise à part.")] = None,
          by: ByOpt = "", why: WhyOpt = "", store: StoreOpt = DEFAULT_STORE,
          as_json: JsonOpt = False) -> None:
    """Scinde un thème : en N parties regroupées parmi ses segments, ou en mettant à part les
    segments choisis."""
    value: dict[str, Any] = ({"segments": segments, **({"label": label} if label else {})}
                             if segments else {"into": into})
    _correct(store, "split", theme_id, value, by, why, as_json)


@themes_app.command("hide")
def hide(theme_id: ThemeArg, by: ByOpt = "", why: WhyOpt = "",
         store: StoreOpt = DEFAULT_STORE, as_json: JsonOpt = False) -> None:
    """Masque un thème (ses segments restent, sans thème)."""
    _correct(store, "hide", theme_id, {}, by, why, as_json)


@themes_app.command("pin")
def pin(theme_id: ThemeArg, by: ByOpt = "", why: WhyOpt = "",
        store: StoreOpt = DEFAULT_STORE, as_json: JsonOpt = False) -> None:
    """Épingle un thème : il est gardé même si le moteur le dissout à un run suivant."""
    _correct(store, "pin", theme_id, {}, by, why, as_json)


@segment_app.command("move")
def move(segment_id: SegmentArg,
         theme_id: Annotated[str, typer.Argument(help="Thème d'arrivée.")],
         by: ByOpt = "", why: WhyOpt = "", store: StoreOpt = DEFAULT_STORE,
         as_json: JsonOpt = False) -> None:
    """Déplace un segment vers un autre thème."""
    _correct(store, "move", segment_id, {"theme": theme_id}, by, why, as_json)


@segment_app.command("orient")
def orient_segment(segment_id: SegmentArg,
                   orientation: Annotated[str, typer.Argument(
                       help="difficulte, levier, autre, ou deroule (ligne de déroulé).")],
                   by: ByOpt = "", why: WhyOpt = "", store: StoreOpt = DEFAULT_STORE,
                   as_json: JsonOpt = False) -> None:
    """Change l'orientation d'un segment, ou le marque comme déroulé de l'atelier."""
    _correct(store, "orient", segment_id, {"orientation": orientation}, by, why, as_json)


@corrections_app.command("list")
def list_cmd(store: StoreOpt = DEFAULT_STORE, as_json: JsonOpt = False) -> None:
    """Le journal des corrections, avec l'état de chacune après le dernier run."""
    frame = _open(store).corrections()
    rows = [{**r, "at": str(r["at"])[:19],
             "undone_at": None if r["undone_at"] is None or str(r["undone_at"]) in ("NaT", "")
             else str(r["undone_at"])[:19]} for r in frame.to_dict("records")]
    if as_json:
        print_json(rows)
        return
    if not rows:
        Console().print("Aucune correction.")
        return
    table = Table(title="Corrections du groupe de coopération")
    for col in ("id", "quand", "par", "correction", "pourquoi", "état"):
        table.add_column(col)
    states = {"applied": "appliquée", "pending": "en attente", "undone": "annulée",
              "not_applicable": "non applicable"}
    for r in rows:
        state = states.get(r["status"], r["status"])
        if r["reason"]:
            state += f" : {r['reason']}"
        table.add_row(r["correction_id"], r["at"][:16], r["by"] or "", r["description"],
                      r["why"] or "", state)
    Console().print(table)


@corrections_app.command("undo")
def undo_cmd(correction_id: Annotated[str | None, typer.Argument(
                 help="La correction à annuler (défaut : la dernière en vigueur).")] = None,
             store: StoreOpt = DEFAULT_STORE, as_json: JsonOpt = False) -> None:
    """Annule une correction (elle reste au journal, marquée annulée)."""
    from corpus.api import CorrectionError
    from corpus.corrections import describe
    from corpus.store import StoreError

    try:
        row = _open(store).undo(correction_id)
    except (CorrectionError, StoreError) as exc:
        fail(exc)
    if as_json:
        print_json(row)
        return
    Console().print(f"{row['correction_id']} annulée : {describe(row)}.", highlight=False)


@corrections_app.command("export")
def export_cmd(out: Annotated[Path, typer.Option("--out", help="Fichier JSON écrit.")],
               store: StoreOpt = DEFAULT_STORE, as_json: JsonOpt = False) -> None:
    """Le journal des corrections en JSON (toutes, annulées comprises)."""
    import json

    from corpus.corrections import describe
    from corpus.files import write_atomic

    api = _open(store)
    rows = [{**r, "description": describe(r)} for r in api.store.corrections.records()]
    write_atomic(out, (json.dumps(rows, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    if as_json:
        print_json({"out": str(out), "corrections": len(rows)})
        return
    Console(stderr=True).print(f"{len(rows)} correction(s) exportée(s) dans {out}")
