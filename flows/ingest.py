"""`corpus ingest`: the stages' loop with the ingest stage alone (see `flows.pipeline`)."""

from flows.pipeline import IngestParams, ingest_flow

__all__ = ["IngestParams", "ingest_flow"]
