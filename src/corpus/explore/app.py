"""The explorer's ASGI application: the page, its files, and the JSON the page reads.

HTTP contract (scripts rely on it): `GET /api/health`, `GET /api/search`, `GET /api/themes`,
`GET /api/themes/{theme_id}`; the page also reads `/api/facets`, `/api/map`, `/api/segments`,
and `/api/export.csv` gives the current selection as CSV. A filter value the store does not
hold gets a 400 whose French message names the accepted values.
"""

from __future__ import annotations

import csv
import functools
import io
from importlib import resources
from typing import Annotated

import numpy as np
from fastapi import FastAPI, HTTPException, Query
from fastapi.responses import JSONResponse, Response

from corpus.api import CorpusStore, SearchError
from corpus.explore.projection import MapData

STATIC = resources.files("corpus.explore") / "static"
FILES = {"app.js": "text/javascript", "app.css": "text/css"}
LIST_LIMIT = 50
CSV_COLUMNS = ["segment_id", "doc_id", "territory", "event", "atelier", "orientation",
               "theme_id", "theme_label", "text"]

Filter = Annotated[str | None, Query()]


def create_app(api: CorpusStore) -> FastAPI:
    """The application serving `api`. Requests run one at a time: DuckDB refuses a file opened
    twice at once in one process, and one reader at a local page needs no more."""
    app = FastAPI(title="corpus — explorateur", docs_url=None, redoc_url=None,
                  openapi_url=None)
    state: dict = {}
    lock = api.lock

    def serial(endpoint):
        @functools.wraps(endpoint)
        def run(*args, **kwargs):
            with lock:
                return endpoint(*args, **kwargs)

        return run

    def map_data() -> MapData:
        with lock:
            current = state.get("map")
            if current is None or current.version != api.index().version:
                state["map"] = current = MapData(api)
            return current

    def filters(territory, event, atelier, orientation, theme, group) -> dict:
        return {"territory": territory, "event": event, "atelier": atelier,
                "orientation": orientation, "theme": theme, "group": group}

    def guarded(call):
        try:
            return call()
        except SearchError as exc:
            raise HTTPException(status_code=400, detail=str(exc)) from exc

    @app.get("/", include_in_schema=False)
    def page() -> Response:
        return Response((STATIC / "index.html").read_text("utf-8"), media_type="text/html")

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        if name not in FILES:
            raise HTTPException(status_code=404, detail=f"Fichier « {name} » inconnu.")
        return Response((STATIC / name).read_text("utf-8"), media_type=FILES[name])

    @app.get("/api/health")
    def health() -> dict:
        return {"status": "ok"}

    @app.get("/api/search")
    @serial
    def search(q: str = "", territory: Filter = None, event: Filter = None,
               atelier: Filter = None, orientation: Filter = None, theme: Filter = None,
               group: Filter = None, limit: int = 10) -> dict:
        found = guarded(lambda: api.query(q, limit=limit, **filters(
            territory, event, atelier, orientation, theme, group)))
        rows = found.to_dict("records")
        if rows:
            where = _rows_of(api, found["segment_id"])
            points = map_data()
            for row, r in zip(rows, where, strict=True):
                row.update(x=float(points.x[r]), y=float(points.y[r]))
        return {"results": _clean(rows)}

    @app.get("/api/themes")
    @serial
    def themes() -> list[dict]:
        return api.theme_entries()

    @app.get("/api/themes/{theme_id}")
    @serial
    def theme(theme_id: str, quotes: int = 12) -> dict:
        try:
            found = api.theme(theme_id, quotes=quotes)
        except SearchError as exc:
            raise HTTPException(status_code=404, detail=str(exc)) from exc
        found.pop("segments_list", None)
        return _clean(found)

    @app.get("/api/facets")
    @serial
    def facets() -> dict:
        version = api.index().version
        if state.get("facets", (None,))[0] != version:
            state["facets"] = (version, _facets())
        return state["facets"][1]

    def _facets() -> dict:
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
            "projection": map_data().method,
        })

    @app.get("/api/map")
    @serial
    def map_points(territory: Filter = None, event: Filter = None, atelier: Filter = None,
                   orientation: Filter = None, theme: Filter = None,
                   group: Filter = None) -> dict:
        keep = guarded(lambda: api.mask(**filters(territory, event, atelier, orientation,
                                                   theme, group)))
        points = map_data()
        rows = points.sample(keep)
        meta = api.index().meta
        codes = {"difficulte": 0, "levier": 1}
        orient = meta["orientation"].to_numpy()[rows]
        return {
            "total": int(keep.sum()), "shown": len(rows), "bounds": points.bounds,
            "method": points.method,
            "x": np.round(points.x[rows], 4).tolist(), "y": np.round(points.y[rows], 4).tolist(),
            "theme": meta["theme_id"].fillna("").to_numpy()[rows].tolist(),
            "orientation": [codes.get(o, 2) for o in orient],
        }

    @app.get("/api/segments")
    @serial
    def segments(territory: Filter = None, event: Filter = None, atelier: Filter = None,
                 orientation: Filter = None, theme: Filter = None, group: Filter = None,
                 limit: int = LIST_LIMIT, offset: int = 0) -> dict:
        chosen = filters(territory, event, atelier, orientation, theme, group)
        keep = guarded(lambda: api.mask(**chosen))
        found = api.segments(**chosen, limit=limit, offset=offset)
        return {"total": int(keep.sum()), "results": _clean(found.to_dict("records"))}

    @app.get("/api/export.csv")
    @serial
    def export(q: str = "", territory: Filter = None, event: Filter = None,
               atelier: Filter = None, orientation: Filter = None, theme: Filter = None,
               group: Filter = None, limit: int = 200) -> Response:
        chosen = filters(territory, event, atelier, orientation, theme, group)
        if q.strip():
            found = guarded(lambda: api.query(q, limit=limit, **chosen))
            columns = ["score", *CSV_COLUMNS]
        else:
            found = guarded(lambda: api.segments(**chosen))
            columns = CSV_COLUMNS
        buffer = io.StringIO()
        found[columns].to_csv(buffer, index=False, quoting=csv.QUOTE_MINIMAL)
        return Response("\ufeff" + buffer.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition":
                                 'attachment; filename="corpus-selection.csv"'})

    @app.exception_handler(HTTPException)
    def french_errors(request, exc: HTTPException) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)

    return app


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
