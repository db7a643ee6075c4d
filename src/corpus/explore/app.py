"""The explorer's ASGI application: the page, its files, and the JSON the page reads.

HTTP contract (scripts rely on it): `GET /api/health`, `GET /api/search`, `GET /api/themes`,
`GET /api/themes/{theme_id}`; the page also reads `/api/facets`, `/api/map`, `/api/segments`,
and `/api/export.csv` gives the current selection as CSV. Corrections are written through
`POST /api/corrections` and `DELETE /api/corrections/{id}` (`corpus.explore.writes`: session
token, same origin, refused while a run holds the store). Every list, map, search and export
takes the same filters (`Filters`); a value the store does not hold gets a 400 whose French
message names the accepted values.
"""

from __future__ import annotations

import csv
import functools
import io
import threading
from importlib import resources
from typing import Annotated

import numpy as np
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from corpus.api import CorpusStore, SearchError
from corpus.explore.projection import MapData
from corpus.explore.writes import LOOPBACK, new_token, writes_router

STATIC = resources.files("corpus.explore") / "static"
FILES = {"app.js": "text/javascript", "app.css": "text/css"}
LIST_LIMIT = 50
CSV_COLUMNS = ["segment_id", "doc_id", "territory", "event", "atelier", "orientation",
               "theme_id", "theme_label", "text"]
ORIENTATION_CODES = {"difficulte": 0, "levier": 1}  # the map's colours; anything else: 2


class Filters(BaseModel):
    """The selection, as query parameters: every one optional, all of them combined."""

    territory: str | None = None
    event: str | None = None
    atelier: str | None = None
    orientation: str | None = None
    theme: str | None = None
    group: str | None = None


Selection = Annotated[Filters, Depends()]


class Explorer:
    """The store behind the endpoints, one request at a time (DuckDB refuses a file opened
    twice at once in one process, and one reader at a local page needs no more), with the map
    and the facets kept for the store's current version."""

    def __init__(self, api: CorpusStore):
        self.api = api
        self.lock: threading.RLock = api.lock
        self._map: MapData | None = None
        self._facets: tuple | None = None

    def serial(self, endpoint):
        """`endpoint` run under the store's lock."""
        @functools.wraps(endpoint)
        def run(*args, **kwargs):
            with self.lock:
                return endpoint(*args, **kwargs)

        return run

    def map_data(self) -> MapData:
        with self.lock:
            if self._map is None or self._map.version != self.api.index().version:
                self._map = MapData(self.api)
            return self._map

    def facets(self) -> dict:
        version = self.api.index().version
        if self._facets is None or self._facets[0] != version:
            self._facets = (version, _facets(self.api, self.map_data().method))
        return self._facets[1]


def create_app(api: CorpusStore, *, host: str = "127.0.0.1", token: str | None = None
               ) -> FastAPI:
    """The application serving `api`; `host` is the address it listens on (writes are
    accepted for it and loopback names only), `token` the page's session token (new when
    not given)."""
    app = FastAPI(title="corpus — explorateur", docs_url=None, redoc_url=None,
                  openapi_url=None)
    explorer = Explorer(api)
    token = token or new_token()
    app.include_router(page_router(token))
    app.include_router(reading_router(explorer), prefix="/api")
    app.include_router(selection_router(explorer), prefix="/api")
    app.include_router(writes_router(api, token, (*LOOPBACK, host)), prefix="/api")

    @app.exception_handler(SearchError)
    def bad_filter(request: Request, exc: SearchError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    return app


def page_router(token: str) -> APIRouter:
    """The page (with the session token its writes send back) and its two files."""
    router = APIRouter(include_in_schema=False)

    @router.get("/")
    def page() -> Response:
        html = (STATIC / "index.html").read_text("utf-8").replace(
            "</head>", f'<meta name="corpus-token" content="{token}">\n</head>', 1)
        return Response(html, media_type="text/html",
                        headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY"})

    @router.get("/static/{name}")
    def static(name: str) -> Response:
        if name not in FILES:
            raise HTTPException(status_code=404, detail=f"Fichier « {name} » inconnu.")
        return Response((STATIC / name).read_text("utf-8"), media_type=FILES[name])

    return router


def reading_router(explorer: Explorer) -> APIRouter:
    """Health, the themes, one theme, the facets: what needs no selection."""
    router = APIRouter()
    api, serial = explorer.api, explorer.serial

    @router.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    @router.get("/themes")
    @serial
    def themes() -> list[dict]:
        return api.theme_entries()

    @router.get("/themes/{theme_id}")
    @serial
    def theme(theme_id: str, quotes: int = 12) -> dict:
        try:
            found = api.theme(theme_id, quotes=quotes)
        except SearchError as exc:
            raise HTTPException(status_code=404, detail=str(exc)) from exc
        found.pop("segments_list", None)
        return _clean(found)

    @router.get("/facets")
    @serial
    def facets() -> dict:
        return explorer.facets()

    return router


def selection_router(explorer: Explorer) -> APIRouter:
    """Search, map, list and CSV export of a selection (`Filters`)."""
    router = APIRouter()
    api, serial = explorer.api, explorer.serial

    @router.get("/search")
    @serial
    def search(filters: Selection, q: str = "", limit: int = 10) -> dict:
        found = api.query(q, limit=limit, **filters.model_dump())
        rows = found.to_dict("records")
        if rows:
            where = _rows_of(api, found["segment_id"])
            points = explorer.map_data()
            for row, r in zip(rows, where, strict=True):
                row.update(x=float(points.x[r]), y=float(points.y[r]))
        return {"results": _clean(rows)}

    @router.get("/map")
    @serial
    def map_points(filters: Selection) -> dict:
        keep = api.mask(**filters.model_dump())
        points = explorer.map_data()
        rows = points.sample(keep)
        meta = api.index().meta
        orient = meta["orientation"].to_numpy()[rows]
        return {
            "total": int(keep.sum()), "shown": len(rows), "bounds": points.bounds,
            "method": points.method,
            "x": np.round(points.x[rows], 4).tolist(), "y": np.round(points.y[rows], 4).tolist(),
            "theme": meta["theme_id"].fillna("").to_numpy()[rows].tolist(),
            "orientation": [ORIENTATION_CODES.get(o, 2) for o in orient],
        }

    @router.get("/segments")
    @serial
    def segments(filters: Selection, limit: int = LIST_LIMIT, offset: int = 0) -> dict:
        keep = api.mask(**filters.model_dump())
        found = api.segments(**filters.model_dump(), limit=limit, offset=offset)
        return {"total": int(keep.sum()), "results": _clean(found.to_dict("records"))}

    @router.get("/export.csv")
    @serial
    def export(filters: Selection, q: str = "", limit: int = 200) -> Response:
        if q.strip():
            found = api.query(q, limit=limit, **filters.model_dump())
            columns = ["score", *CSV_COLUMNS]
        else:
            found = api.segments(**filters.model_dump())
            columns = CSV_COLUMNS
        buffer = io.StringIO()
        found[columns].to_csv(buffer, index=False, quoting=csv.QUOTE_MINIMAL)
        return Response("\ufeff" + buffer.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition":
                                 'attachment; filename="corpus-selection.csv"'})

    return router


def _facets(api: CorpusStore, method: str) -> dict:
    """What the page's filters offer: territories, events, ateliers, themes, grands thèmes."""
    meta = api.index().meta
    entries = {t["theme_id"]: t for t in api.theme_entries()}
    counts = meta["theme_id"].value_counts()
    stored = meta.dropna(subset=["theme_id"]).drop_duplicates("theme_id").set_index(
        "theme_id")["theme_label"]
    themes = [{"theme_id": tid, "label": str(entries.get(tid, {}).get("label")
                                              or stored.get(tid) or tid),
               "group_id": entries.get(tid, {}).get("group_id"),
               "group_label": entries.get(tid, {}).get("group_label"),
               "segments": int(n)} for tid, n in sorted(counts.items())]
    groups = sorted({(t["group_id"], t["group_label"] or t["group_id"]) for t in themes
                     if t["group_id"]})
    dates = api.tables.event_dates()
    names = dict(zip(dates["event_id"], dates["name"], strict=True))
    return _clean({
        "segments": len(meta),
        "territories": sorted(meta["territory"].dropna().unique().tolist()),
        "events": [{"id": e, "name": names.get(e) or e}
                   for e in sorted(meta["event"].dropna().unique())],
        "ateliers": sorted(f"{e}/{a}" for e, a in meta[["event", "atelier"]].dropna()
                           .drop_duplicates().itertuples(index=False)),
        "orientations": ["difficulte", "levier", "autre"],
        "themes": themes,
        "groups": [{"group_id": g, "label": label} for g, label in groups],
        "projection": method,
    })


def _rows_of(api: CorpusStore, segment_ids) -> np.ndarray:
    ids = api.index().meta["segment_id"].to_numpy()
    return np.searchsorted(ids, np.asarray(segment_ids, dtype=object))


def _clean(payload):
    """JSON-ready: NaN and NA become null, numpy scalars plain numbers."""
    if isinstance(payload, dict):
        return {k: _clean(v) for k, v in payload.items()}
    if isinstance(payload, list | tuple):
        return [_clean(v) for v in payload]
    if isinstance(payload, np.generic):
        payload = payload.item()
    if isinstance(payload, float) and payload != payload:
        return None
    if payload is not None and not isinstance(payload, str | int | float | bool):
        try:
            import pandas as pd

            if pd.isna(payload):
                return None
        except (TypeError, ValueError):
            pass
    return payload
