"""Scheduled runs over a drop folder: each démarche folder that appeared or changed is processed.

A folder that fails is reported and left for the next run; the others go on.
"""

from pathlib import Path

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact
from pydantic import BaseModel, Field

from corpus import inbox
from corpus.config import DEFAULT_STORE
from flows.pipeline import RunParams, pipeline


class InboxParams(BaseModel):
    inbox: str = Field(..., description="Dossier de dépôt : un sous-dossier par démarche")
    out: str = Field("reports", description="Sorties : OUT/<nom du dossier>/")
    store: str = Field(str(DEFAULT_STORE), description="Fichier DuckDB")
    seed: int = 42


@flow(name="corpus-inbox")
def inbox_flow(params: InboxParams) -> dict:
    """Process every démarche folder of the inbox that is new or changed since its last success."""
    logger = get_run_logger()
    out = Path(params.out)
    state = inbox.read_state(out)
    current = inbox.scan(Path(params.inbox))
    todo = inbox.pending(current, state)
    logger.info("%d dossier(s) dans la boîte, %d à traiter : %s", len(current), len(todo), todo)
    done, failed = [], {}
    for name in todo:
        try:
            pipeline(RunParams(
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
    create_table_artifact(
        key="corpus-inbox",
        table=[{"dossier": n, "statut": "traité"} for n in done]
        + [{"dossier": n, "statut": f"échec : {e}"} for n, e in failed.items()],
        description="Dossiers traités lors de ce passage",
    )
    if failed:
        raise RuntimeError(
            f"{len(failed)} dossier(s) en échec, à reprendre au prochain passage : "
            + ", ".join(sorted(failed))
        )
    return {"processed": done, "failed": failed, "unchanged": sorted(set(current) - set(todo))}


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
