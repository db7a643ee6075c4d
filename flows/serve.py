"""Scheduled runs over a drop folder: each démarche folder that appeared or changed is processed.

A folder that fails is reported and left for the next run; the others go on. A folder whose
unreadable files were set aside is processed without them, reported with those files (summary
and Prefect artifact), and taken up again as soon as any of its files changes (its fingerprint
in the inbox state then differs).
"""

from pathlib import Path

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact
from pydantic import BaseModel, Field

from corpus.config import DEFAULT_SEED, DEFAULT_STORE
from flows import inbox, quiet
from flows.pipeline import RunParams, pipeline

quiet.install()


class InboxParams(BaseModel):
    inbox: str = Field(..., description="Dossier de dépôt : un sous-dossier par démarche")
    out: str = Field("reports", description="Sorties : OUT/<nom du dossier>/")
    store: str = Field(str(DEFAULT_STORE), description="Fichier DuckDB")
    seed: int = DEFAULT_SEED


@flow(name="corpus-inbox")
def inbox_flow(params: InboxParams) -> dict:
    """Process every démarche folder of the inbox that is new or changed since its last success."""
    logger = get_run_logger()
    out = Path(params.out)
    state = inbox.read_state(out)
    current = inbox.scan(Path(params.inbox))
    todo = inbox.pending(current, state)
    logger.info("%d dossier(s) dans la boîte, %d à traiter : %s", len(current), len(todo), todo)
    done, failed, set_aside = [], {}, {}
    for name in todo:
        try:
            summary = pipeline(RunParams(
                input=str(Path(params.inbox) / name), out=str(out / name),
                store=params.store, seed=params.seed,
            ))
        except Exception as exc:  # one bad folder must not stop the others
            logger.error("%s : échec, laissé pour le prochain passage : %s", name, exc)
            failed[name] = str(exc)
            continue
        state[name] = current[name]
        inbox.write_state(out, state)
        done.append(name)
        if summary.get("set_aside"):
            set_aside[name] = summary["set_aside"]
            logger.warning("%s : traité sans %d fichier(s) illisible(s), repris dès qu'un "
                           "fichier du dossier change", name, len(summary["set_aside"]))
    create_table_artifact(
        key="corpus-inbox",
        table=inbox.report_rows(done, failed, set_aside),
        description="Dossiers traités lors de ce passage (et fichiers écartés, à corriger)",
    )
    if failed:
        raise RuntimeError(
            f"{len(failed)} dossier(s) en échec, à reprendre au prochain passage : "
            + ", ".join(sorted(failed))
        )
    return {"processed": done, "failed": failed, "set_aside": set_aside,
            "unchanged": sorted(set(current) - set(todo))}


def serve(params: InboxParams, *, cron: str | None, interval: int | None) -> None:
    """Serve the inbox flow on the Prefect server at PREFECT_API_URL until Ctrl-C."""
    inbox_flow.serve(
        name="corpus-inbox",
        cron=cron,
        interval=interval,
        parameters={"params": params.model_dump()},
        limit=1,  # one passage at a time: runs never overlap on the same store
        description="Traite les démarches déposées dans la boîte.",
    )
