"""The drop folder: which démarche folders appeared or changed since the last successful run.

A folder's fingerprint covers every file's relative path and content. The state (folder name ->
fingerprint of its last successful run) lives in a JSON file beside the outputs, written
atomically: a crash mid-run leaves the previous state, so nothing is ever skipped unprocessed.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from corpus.files import sha256_file, write_json

STATE_FILE = ".corpus-inbox.json"
IGNORED_PREFIXES = (".", "_", "~$")


def folder_fingerprint(folder: Path) -> str:
    """sha256 over the sorted relative paths and contents of the files of `folder`."""
    sha = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder)
        if not any(part.startswith(IGNORED_PREFIXES) for part in rel.parts):
            sha.update(rel.as_posix().encode("utf-8") + b"\0")
            sha.update(bytes.fromhex(sha256_file(path)))
    return sha.hexdigest()


def scan(inbox: Path) -> dict[str, str]:
    """Fingerprint of every démarche folder directly under `inbox`, by folder name."""
    if not inbox.is_dir():
        raise FileNotFoundError(
            f"{inbox} : dossier de dépôt introuvable. Correction : créez-le ou passez --inbox."
        )
    return {
        p.name: folder_fingerprint(p)
        for p in sorted(inbox.iterdir())
        if p.is_dir() and not p.name.startswith(IGNORED_PREFIXES)
    }


def pending(current: dict[str, str], state: dict[str, str]) -> list[str]:
    """Folders new since the last successful run, or changed since, in name order."""
    return sorted(name for name, fp in current.items() if state.get(name) != fp)


def read_state(out: Path) -> dict[str, str]:
    path = out / STATE_FILE
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def write_state(out: Path, state: dict[str, str]) -> None:
    write_json(state, out / STATE_FILE, sort_keys=True)


def report_rows(done: list[str], failed: dict[str, str],
                set_aside: dict[str, list[dict]]) -> list[dict[str, str]]:
    """One row per folder of a passage, then one per file set aside (with its fix)."""
    rows = [{"dossier": n, "statut": "traité" if n not in set_aside else
             f"traité sans {len(set_aside[n])} fichier(s) écarté(s)", "fichier": "",
             "correction": ""} for n in done]
    rows += [{"dossier": n, "statut": f"échec : {e}", "fichier": "", "correction": ""}
             for n, e in failed.items()]
    rows += [{"dossier": n, "statut": f"écarté : {item['reason']}",
              "fichier": item["path"] if item.get("line") is None
              else f"{item['path']}, ligne {item['line']}", "correction": item["fix"]}
             for n, items in sorted(set_aside.items()) for item in items]
    return rows

