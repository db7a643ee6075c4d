"""Documents and segments, with the manifests and feedback stored beside them.

Identity is by content: a document whose bytes are already stored is skipped, a changed
document replaces its earlier version (segments included). Every write is one transaction: a
failure leaves the store as it was.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

import pandas as pd

from corpus.records import Demarche, Feedback, Segment
from corpus.store.database import Database, now

SEGMENT_COLUMNS = [
    "segment_id", "doc_id", "territory_id", "event_id", "atelier_id", "position", "text",
    "lemmas", "section", "section_hint", "given_orientation", "kind", "tags",
]
DOCUMENT_COLUMNS = [
    "doc_id", "territory_id", "event_id", "atelier_id", "source", "format", "content_hash",
    "given_orientation", "n_segments", "ingested_at",
]


def segments_frame(segments: Sequence[Segment]) -> pd.DataFrame:
    """Segments as the columns of the `segments` table (analysis columns empty)."""
    frame = pd.DataFrame([{c: getattr(s, c) for c in SEGMENT_COLUMNS} for s in segments],
                         columns=SEGMENT_COLUMNS)
    for col in ("orientation", "theme_id", "theme_label", "group_id"):
        frame[col] = pd.Series([None] * len(frame), dtype="object")
    frame["orientation_score"] = pd.Series([None] * len(frame), dtype="float64")
    frame["position"] = frame["position"].astype("int64")
    return frame


def _ids(doc_ids: Iterable[str]) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": sorted(set(doc_ids))})


def _demarche_frames(demarche: Demarche, notes, segs, feedback) -> dict[str, pd.DataFrame]:
    """The rows one démarche adds, one frame per table (registered under these names)."""
    n_segs = pd.Series([s.doc_id for s in segs], dtype="object").value_counts().to_dict()
    stamp = now()
    docs = pd.DataFrame(
        [(n.doc_id, n.territory_id, n.event_id, n.atelier_id, n.source, n.format,
          n.content_hash, n.given_orientation, int(n_segs.get(n.doc_id, 0)), stamp)
         for n in notes],
        columns=DOCUMENT_COLUMNS,
    )
    return {
        "new_docs": docs,
        "new_segs": segments_frame(segs),
        "new_terr": pd.DataFrame([(t.territory_id, t.name, t.kind) for t in demarche.territories],
                                 columns=["territory_id", "name", "kind"]),
        "new_events": pd.DataFrame(
            [(e.event_id, e.territory_id, e.name, e.date, e.place, e.participants,
              list(e.organisations)) for e in demarche.events],
            columns=["event_id", "territory_id", "name", "date", "place", "participants",
                     "organisations"]),
        "new_ateliers": pd.DataFrame(
            [(w.event_id, w.atelier_id, w.territory_id, w.problematique, w.methode,
              list(w.organisations), w.participants) for w in demarche.workshops],
            columns=["event_id", "atelier_id", "territory_id", "problematique", "methode",
                     "organisations", "participants"]),
        "new_fb": pd.DataFrame(
            [(f.feedback_id, f.event_id, f.territory_id, f.organisation, f.atelier_id,
              json.dumps(f.ratings, ensure_ascii=False, sort_keys=True),
              json.dumps(f.answers, ensure_ascii=False, sort_keys=True), f.source,
              json.dumps(f.answer_tags, ensure_ascii=False, sort_keys=True)
              if f.answer_tags else None)
             for f in feedback],
            columns=["feedback_id", "event_id", "territory_id", "organisation", "atelier_id",
                     "ratings", "answers", "source", "answer_tags"]),
        "new_files": pd.DataFrame([(p, h, stamp) for p, h in sorted(demarche.file_hashes.items())],
                                  columns=["path", "content_hash", "ingested_at"]),
        "read_events": pd.DataFrame({"event_id": sorted({e.event_id for e in demarche.events})}),
    }


class Texts:
    """The `documents`, `segments`, `territories`, `events`, `ateliers`, `feedback` and `files`
    tables."""

    def __init__(self, db: Database):
        self.db = db

    # -- ingestion -----------------------------------------------------------------------------

    def stored_hashes(self, doc_ids: Iterable[str]) -> dict[str, str]:
        """doc_id -> content_hash for the documents already stored among `doc_ids`."""
        frame = self.db.frame_of(
            "SELECT d.doc_id, d.content_hash FROM documents d JOIN wanted USING (doc_id)",
            _ids(doc_ids),
        )
        return dict(zip(frame["doc_id"], frame["content_hash"], strict=True))

    def stored_file_hashes(self) -> dict[str, str]:
        """path -> content hash of every input file stored so far."""
        frame = self.db.frame("SELECT path, content_hash FROM files")
        return dict(zip(frame["path"], frame["content_hash"], strict=True))

    def write_demarche(
        self,
        demarche: Demarche,
        segments: Sequence[Segment],
        feedback: Sequence[Feedback],
        *,
        skip_doc_ids: Iterable[str] = (),
    ) -> dict[str, int]:
        """Store a validated, protected démarche in one transaction; return what was added.

        Documents in `skip_doc_ids` are already stored with the same content and are left alone.
        Manifests (territories, events, ateliers) and feedback are replaced for the events read.
        """
        skip = set(skip_doc_ids)
        notes = [n for n in demarche.notes if n.doc_id not in skip]
        new_ids = {n.doc_id for n in notes}
        frames = _demarche_frames(demarche, notes, [s for s in segments if s.doc_id in new_ids],
                                  feedback)
        n = {name: len(frame) for name, frame in frames.items()}
        with self.db.transaction() as con:
            for name, frame in frames.items():
                con.register(name, frame)
            if n["new_docs"]:
                con.execute("DELETE FROM segments WHERE doc_id IN (SELECT doc_id FROM new_docs)")
                con.execute("DELETE FROM documents WHERE doc_id IN (SELECT doc_id FROM new_docs)")
                con.execute("INSERT INTO documents BY NAME SELECT * FROM new_docs")
            if n["new_segs"]:
                con.execute("INSERT INTO segments BY NAME SELECT * FROM new_segs")
            if n["new_terr"]:
                con.execute("DELETE FROM territories WHERE territory_id IN "
                            "(SELECT territory_id FROM new_terr)")
                con.execute("INSERT INTO territories BY NAME SELECT * FROM new_terr")
            if n["read_events"]:
                for table in ("events", "ateliers"):
                    con.execute(f"DELETE FROM {table} WHERE event_id IN "
                                "(SELECT event_id FROM read_events)")
            if n["new_events"]:
                con.execute("INSERT INTO events BY NAME SELECT * FROM new_events")
            if n["new_ateliers"]:
                con.execute("INSERT INTO ateliers BY NAME SELECT * FROM new_ateliers")
            if n["new_fb"]:
                con.execute("DELETE FROM feedback WHERE event_id IN "
                            "(SELECT DISTINCT event_id FROM new_fb)")
                con.execute("INSERT INTO feedback BY NAME SELECT * FROM new_fb")
            if n["new_files"]:
                con.execute("DELETE FROM files WHERE path IN (SELECT path FROM new_files)")
                con.execute("INSERT INTO files BY NAME SELECT * FROM new_files")
        return {"documents": n["new_docs"], "segments": n["new_segs"], "feedback": n["new_fb"]}

    # -- reading -------------------------------------------------------------------------------

    def segments(self, *, doc_ids: Iterable[str] | None = None,
                 tags: bool = False) -> pd.DataFrame:
        """Stored segments, sorted by segment id (optionally only those of `doc_ids`); with
        `tags`, their parse's tokens too (`corpus.text.tags`). `kind` is "contenu" where a
        store made before that column left it empty."""
        columns = "s.*" if tags else "s.* EXCLUDE (tags)"
        if doc_ids is None:
            frame = self.db.frame(f"SELECT {columns} FROM segments s ORDER BY segment_id")
        else:
            frame = self.db.frame_of(
                f"SELECT {columns} FROM segments s JOIN wanted USING (doc_id) "
                "ORDER BY segment_id", _ids(doc_ids),
            )
        frame["kind"] = frame["kind"].fillna("contenu").astype(object)
        return frame

    def documents(self, *, doc_ids: Iterable[str] | None = None) -> pd.DataFrame:
        """Stored documents, sorted by doc id (optionally only `doc_ids`)."""
        if doc_ids is None:
            return self.db.frame("SELECT * FROM documents ORDER BY doc_id")
        return self.db.frame_of(
            "SELECT d.* FROM documents d JOIN wanted USING (doc_id) ORDER BY doc_id",
            _ids(doc_ids),
        )

    def count_segments(self, doc_ids: Iterable[str]) -> int:
        frame = self.db.frame_of(
            "SELECT count(*) AS n FROM segments JOIN wanted USING (doc_id)", _ids(doc_ids)
        )
        return int(frame["n"].iloc[0])

    def manifests(self, doc_ids: Iterable[str]) -> dict[str, pd.DataFrame]:
        """Territories, events, ateliers and feedback of the events `doc_ids` belong to."""
        docs = self.documents(doc_ids=doc_ids)
        events = pd.DataFrame({"event_id": sorted(docs["event_id"].unique())})
        order = {"events": "event_id", "ateliers": "event_id, atelier_id",
                 "feedback": "feedback_id"}
        frames = {
            table: self.db.frame_of(
                f"SELECT t.* FROM {table} t JOIN wanted USING (event_id) ORDER BY {keys}", events
            )
            for table, keys in order.items()
        }
        frames["territories"] = self.db.frame_of(
            "SELECT t.* FROM territories t JOIN wanted USING (territory_id) ORDER BY territory_id",
            pd.DataFrame({"territory_id": sorted(docs["territory_id"].unique())}),
        )
        return frames

    # -- analysis results ----------------------------------------------------------------------

    def update_segments(self, frame: pd.DataFrame) -> None:
        """Write orientation and theme columns back for the segments in `frame`."""
        cols = ["segment_id", "orientation", "orientation_score", "theme_id", "theme_label",
                "group_id"]
        frame = frame.assign(**{c: None for c in cols if c not in frame.columns})
        with self.db.transaction() as con:
            con.register("upd", frame[cols])
            con.execute(
                "UPDATE segments SET orientation = upd.orientation, "
                "orientation_score = upd.orientation_score, theme_id = upd.theme_id, "
                "theme_label = upd.theme_label, group_id = upd.group_id "
                "FROM upd WHERE segments.segment_id = upd.segment_id"
            )

    def update_documents(self, frame: pd.DataFrame) -> None:
        """Write orientation and theme back for the documents in `frame`."""
        with self.db.transaction() as con:
            con.register("upd", frame[["doc_id", "orientation", "theme_id"]])
            con.execute(
                "UPDATE documents SET orientation = upd.orientation, theme_id = upd.theme_id "
                "FROM upd WHERE documents.doc_id = upd.doc_id"
            )

    # -- search --------------------------------------------------------------------------------

    def filtered_segments(
        self,
        *,
        territory: str | None = None,
        event: str | None = None,
        orientation: str | None = None,
        theme: str | None = None,
        after: str | None = None,
        limit: int | None = None,
    ) -> pd.DataFrame:
        """Segments matching every given filter, by segment id; `after` and `limit` page.

        `territory` and `theme` are ids (case ignored); `event` is an event id or its last
        part ("2026-03-journee-cep").
        """
        where, params = [], []
        if territory is not None:
            where.append("lower(territory_id) = lower(?)")
            params.append(territory)
        if event is not None:
            where.append("(event_id = ? OR ends_with(event_id, '/' || ?))")
            params += [event, event]
        if orientation is not None:
            where.append("orientation = ?")
            params.append(orientation)
        if theme is not None:
            where.append("lower(theme_id) = lower(?)")
            params.append(theme)
        if after is not None:
            where.append("segment_id > ?")
            params.append(after)
        sql = (
            "SELECT segment_id, doc_id, territory_id, event_id, atelier_id, orientation, "
            "theme_id, theme_label, text, lemmas FROM segments"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY segment_id"
            + (f" LIMIT {int(limit)}" if limit is not None else "")
        )
        return self.db.frame(sql, params)

    def filter_values(self) -> dict[str, list[str]]:
        """Territory, event and theme ids that segments carry (for messages naming them)."""
        out = {}
        for key, col in (("territory", "territory_id"), ("event", "event_id"),
                         ("theme", "theme_id")):
            frame = self.db.frame(
                f"SELECT DISTINCT {col} AS v FROM segments WHERE {col} IS NOT NULL ORDER BY 1"
            )
            out[key] = frame["v"].tolist()
        return out
