"""`corpus forget NAME`: remove a person from the store and from the outputs (RGPD)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from corpus.cli.common import DEFAULT_STORE, JsonOpt, StoreOpt, app, console, fail, print_json

TABLE_NAMES = {
    "segments": "segments", "feedback": "retours", "themes": "thèmes",
    "theme_history": "historique des thèmes", "ateliers": "ateliers", "events": "événements",
    "pseudonyms": "correspondances de pseudonymes",
    "cache_explorateur": "copie des segments pour l'explorateur et l'API (effacée, refaite à "
                         "la prochaine lecture)",
}


@app.command()
def forget(
    name: Annotated[str, typer.Argument(help="Prénom et nom de la personne (« Karim Haddad »).")],
    store: StoreOpt = DEFAULT_STORE,
    reports: Annotated[list[Path] | None, typer.Option(
        "--reports", help="Dossier de sorties à vérifier (répétable ; défaut : reports).",
    )] = None,
    regenerate: Annotated[bool, typer.Option(
        "--regenerate", help="Relancer `corpus run` pour chaque dossier qui montre le nom.",
    )] = False,
    as_json: JsonOpt = False,
) -> None:
    """Retire une personne de la base (textes et correspondances de pseudonymes) et dit quels
    dossiers de sorties la montrent encore (RGPD)."""
    from corpus.config import Settings
    from corpus.forget import forget_person, outputs_showing
    from corpus.store import Store, StoreError
    from corpus.text.names import french_words

    if not Path(store).exists():
        fail(FileNotFoundError(f"{store} : base introuvable. Correction : passez --store FICHIER."))
    words = french_words(Settings().spacy_model)
    try:
        done = forget_person(Store(store), name, words=words)
    except (ValueError, StoreError) as exc:
        fail(exc)
    roots = reports or [Path("reports")]
    outputs = outputs_showing(name, roots, words=words)
    regenerated = []
    if regenerate:
        for out in outputs:
            if out.input is None:
                continue
            cmd = [sys.executable, "-m", "corpus.cli", *out.command(Path(store))[1:]]
            code = subprocess.run(cmd, check=False).returncode
            regenerated.append({"folder": str(out.folder), "exit_code": code})
        outputs = outputs_showing(name, roots, words=words)
    if as_json:
        print_json({"replacement": done.replacement, "tables": done.tables,
                    "regenerated": regenerated,
                    "outputs": [{"folder": str(o.folder), "files": o.files,
                                 "command": " ".join(o.command(Path(store)))} for o in outputs]})
        return
    changed = {t: n for t, n in done.tables.items() if n}
    if changed:
        console.print(f"Base {store} : le nom est remplacé par « {done.replacement} ».")
        for table, n in changed.items():
            console.print(f"  {TABLE_NAMES.get(table, table)} : {n} ligne(s) modifiée(s)")
    else:
        console.print(f"Base {store} : ce nom n'apparaît dans aucun texte ni aucune "
                      "correspondance de pseudonyme.")
    for item in regenerated:
        console.print(f"Sorties régénérées : {item['folder']} (code {item['exit_code']})")
    for out in outputs:
        console.print(f"[bold]{out.folder}[/] montre encore ce nom ({', '.join(out.files)}). "
                      f"Correction : {' '.join(out.command(Path(store)))}")
    if not outputs:
        console.print(f"Aucune sortie sous {', '.join(map(str, roots))} ne montre ce nom.")
    console.print("Les fichiers d'entrée ne sont jamais modifiés : retirez-y aussi ce nom, ou "
                  "retirez le fichier.")
