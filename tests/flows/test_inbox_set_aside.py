"""The scheduled passage over a drop folder (real Prefect engine): a folder with an unreadable
file is processed without it, reported with the file and its fix (summary and artifact), and
taken up again once the file changes."""

import asyncio
import shutil

import pytest
from corpus_process import SMALL

from flows import inbox

pytestmark = pytest.mark.slow


def _artifact_rows(key: str) -> list[dict]:
    import json

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    async def latest():
        async with get_client() as client:
            found = await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])))
        return max(found, key=lambda a: a.created)

    data = asyncio.run(latest()).data
    return json.loads(data) if isinstance(data, str) else data


def test_a_folder_with_a_set_aside_file_is_reported_then_taken_up_again(tmp_path,
                                                                         prefect_harness):
    from flows.serve import InboxParams, inbox_flow

    box, out = tmp_path / "inbox", tmp_path / "out"
    folder = box / "lyon"
    shutil.copytree(SMALL, folder)
    event = folder / "lyon-est" / "forum-cep-2024"
    bad = event / "notes" / "A9.md"  # a note for an atelier ateliers.csv does not describe
    bad.write_text("- une note d'un atelier inconnu", encoding="utf-8")
    params = InboxParams(inbox=str(box), out=str(out), store=str(tmp_path / "c.duckdb"))

    first = inbox_flow(params)
    assert first["processed"] == ["lyon"] and first["failed"] == {}
    (aside,) = first["set_aside"]["lyon"]
    assert aside["path"].endswith("notes/A9.md") and "ateliers.csv" in aside["fix"]
    rows = _artifact_rows("corpus-inbox")
    assert any(r["fichier"].endswith("notes/A9.md") and r["correction"] == aside["fix"]
               for r in rows)
    assert "Fichiers écartés" in (out / "lyon" / "synthese.md").read_text(encoding="utf-8")

    assert inbox_flow(params)["processed"] == []  # nothing changed: not run again

    bad.rename(tmp_path / "A9.md")  # the user moves the stray note out of the folder
    again = inbox_flow(params)
    assert again["processed"] == ["lyon"] and again["set_aside"] == {}
    assert inbox.pending(inbox.scan(box), inbox.read_state(out)) == []
