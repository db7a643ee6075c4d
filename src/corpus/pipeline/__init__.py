"""The one wiring of the stages: ingest, orientation, themes, feedback themes, corrections (the
groupe de coopération's log replayed on the engine's themes), synthesis, report.

Every stage has the same face (`Stage`: `key(ctx)`, `run(ctx, map_)`), reads its inputs from
the store and writes its results there. Everything that runs them calls these objects: the
Prefect flows (one generic loop, `flows/pipeline.py`), `run_stages` (the same loop without
Prefect), `corpus evaluate`, `corpus orient train` and the benches.
"""

from corpus.pipeline.analysis import (
    FeedbackThemes,
    Orientation,
    Themes,
    feedback_scope,
    feedback_themes,
    masked_texts,
    orient_scope,
    orientation_model,
    place_names,
    read_seeds,
    register_themes,
    scope_segments,
    themes_scope,
    topic_texts,
)
from corpus.pipeline.corrections import Corrections, apply_corrections, engine_scopes
from corpus.pipeline.ingest import (
    NOTHING_ADDED,
    Ingest,
    IngestResult,
    Protected,
    by_territory,
    changed_notes,
    finish_ingest,
    ingest,
    needs_storing,
    protect_demarche,
    read_input,
    scope_name,
    segment_and_find,
    segment_notes,
    store_demarche,
)
from corpus.pipeline.keys import code_digest, orient_fingerprints, run_code, stage_key
from corpus.pipeline.outputs import (
    Report,
    SearchVectors,
    Synthesis,
    record_run,
    search_vectors,
    synthesize_scope,
    versions,
    write_files,
    write_outputs,
    write_tables,
)
from corpus.pipeline.stage import Context, Mapper, Stage, out_dir, run_stages, serial
from corpus.pipeline.tables import (
    labelled_segments,
    orientation_corrections,
    table_segments,
    train_from_corrections,
    train_orientation,
)

INGEST = (Ingest(),)
ANALYSIS = (Orientation(), Themes(), FeedbackThemes(), Corrections())
OUTPUTS = (Synthesis(), Report(), SearchVectors())
STAGES: tuple[Stage, ...] = (*INGEST, *ANALYSIS, *OUTPUTS)

__all__ = [
    "ANALYSIS", "INGEST", "NOTHING_ADDED", "OUTPUTS", "STAGES", "Context", "Corrections",
    "FeedbackThemes", "Ingest", "IngestResult", "Mapper", "Orientation", "Protected", "Report",
    "SearchVectors", "Stage", "Synthesis", "Themes", "apply_corrections", "by_territory",
    "changed_notes", "code_digest", "engine_scopes", "feedback_scope", "feedback_themes",
    "finish_ingest", "ingest", "labelled_segments", "masked_texts", "needs_storing",
    "orient_fingerprints", "orient_scope", "orientation_corrections", "orientation_model",
    "out_dir", "place_names", "protect_demarche", "read_input", "read_seeds", "record_run",
    "register_themes", "run_code", "run_stages", "scope_name", "scope_segments", "search_vectors",
    "segment_and_find", "segment_notes", "serial", "stage_key", "store_demarche",
    "synthesize_scope", "table_segments", "themes_scope", "topic_texts", "train_from_corrections",
    "train_orientation", "versions", "write_files", "write_outputs", "write_tables",
]
