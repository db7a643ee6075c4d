"""The explorer's writes: corrections of the groupe de coopération.

A page that can write must not be driven by another site. Every write needs:
- the page's session token (made when the explorer starts, written into the page, sent back in
  the `X-Corpus-Token` header; another origin cannot read it);
- a request from the explorer's own origin (`Origin`, else `Referer`, equal to the `Host` it
  was sent to) and a `Host` that is the explorer's (a loopback name or the host it was told to
  listen on: a rebound DNS name is refused).
Otherwise 403. While a run holds the store, 409 with the reason, nothing written.

`POST /api/corrections` {action, target, value, by, why} -> 201 and the correction;
`DELETE /api/corrections/{correction_id}` undoes one; `GET /api/corrections` lists the log.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from corpus.api import CorpusStore
from corpus.corrections import CorrectionError
from corpus.store.runlock import StoreBusy

TOKEN_HEADER = "X-Corpus-Token"
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


class CorrectionIn(BaseModel):
    action: str
    target: str
    value: Any = None
    by: str = ""
    why: str = ""


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _hostname(netloc: str) -> str:
    return (urlsplit(f"//{netloc}").hostname or "").lower()


def check_write(request: Request, token: str, hosts: tuple[str, ...]) -> None:
    """403 unless the request carries the session token, from the explorer's own origin."""
    host = request.headers.get("host", "")
    if _hostname(host) not in {h.strip("[]").lower() for h in hosts}:
        raise HTTPException(403, f"écriture refusée : hôte « {host} » inconnu de l'explorateur.")
    origin = request.headers.get("origin")
    referer = request.headers.get("referer")
    source = origin if origin else referer
    if source is not None and urlsplit(source).netloc.lower() != host.lower():
        raise HTTPException(403, "écriture refusée : la demande vient d'une autre page "
                                 f"({urlsplit(source).netloc or source}) que l'explorateur.")
    if not secrets.compare_digest(request.headers.get(TOKEN_HEADER, ""), token):
        raise HTTPException(403, "écriture refusée : jeton de session absent ou faux. "
                                 "Rechargez la page de l'explorateur.")


def writes_router(api: CorpusStore, token: str, hosts: tuple[str, ...]) -> APIRouter:
    router = APIRouter()

    def guard(request: Request) -> None:  # before the body is read: a refusal is a 403
        check_write(request, token, hosts)

    guarded = [Depends(guard)]

    @router.get("/corrections")
    def listed() -> list[dict]:
        with api.lock:
            frame = api.corrections()
        rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
        return [{**r, "at": str(r["at"])[:19],
                 "undone_at": str(r["undone_at"])[:19] if r["undone_at"] else None}
                for r in rows]

    @router.post("/corrections", status_code=201, dependencies=guarded)
    def create(body: CorrectionIn) -> JSONResponse:
        try:
            row = api.correct(body.action, body.target, body.value, by=body.by, why=body.why)
        except StoreBusy as exc:
            raise HTTPException(409, str(exc)) from exc
        except CorrectionError as exc:
            raise HTTPException(400, str(exc)) from exc
        return JSONResponse(row, status_code=201)

    @router.delete("/corrections/{correction_id}", dependencies=guarded)
    def undo(correction_id: str) -> dict:
        try:
            return api.undo(correction_id)
        except StoreBusy as exc:
            raise HTTPException(409, str(exc)) from exc
        except CorrectionError as exc:
            raise HTTPException(404, str(exc)) from exc

    return router
