"""A brute-force ranker, the test oracle of the search engine (`corpus.api.ranking`).

It reads the candidates through the store's SQL filters, embeds them through the embedding
cache and scores every one of them: no in-memory index, no bound that skips candidates. The
engine must give the same rows in the same order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from corpus.api.ranking import lexical_scores, query_terms
from corpus.config import default
from corpus.embed import canonical_text, embed_cached

COLUMNS = ["segment_id", "score", "territory", "event", "atelier", "orientation", "theme_id",
           "theme_label", "text"]


def query(store, text: str, *, embedder, territory: str | None = None,
          event: str | None = None, orientation: str | None = None, theme: str | None = None,
          limit: int = 10) -> pd.DataFrame:
    """The `limit` segments closest to `text`, every candidate scored, ties by segment id."""
    question = canonical_text(text)
    page = store.texts.filtered_segments(territory=territory, event=event,
                                         orientation=orientation, theme=theme, after=None,
                                         limit=10**9)
    if page.empty:
        return pd.DataFrame(columns=COLUMNS)
    texts = page["text"].tolist()
    cosine = embed_cached(embedder, texts, store) @ embedder.encode([question])[0]
    bonus = lexical_scores(query_terms(question), [
        f"{t} {lem or ''}".replace("\x00", " ") for t, lem in zip(texts, page["lemmas"],
                                                                  strict=True)])
    scores = np.round(cosine.astype(np.float64) + default("search_lexical_weight") * bonus, 6)
    page = page.assign(score=scores).sort_values(["score", "segment_id"],
                                                 ascending=[False, True]).head(limit)
    return page.rename(columns={"territory_id": "territory", "event_id": "event",
                                "atelier_id": "atelier"})[COLUMNS].reset_index(drop=True)
