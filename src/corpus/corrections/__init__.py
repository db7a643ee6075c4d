"""Corrections of the groupe de coopération: checked (`model`) and replayed on the engine's
result at every run (`replay`, a pure function); the log lives in the store
(`corpus.store.corrections`), the replay stage in `corpus.pipeline.corrections`."""

from corpus.corrections.model import (
    ACTIONS,
    APPLIED,
    GROUP_ID,
    NOT_APPLICABLE,
    ORIENT_VALUES,
    OUT_OF_SCOPE,
    PENDING,
    UNDONE,
    Correction,
    CorrectionError,
    describe,
    normalise,
)
from corpus.corrections.replay import Outcome, Replayed, replay

__all__ = ["ACTIONS", "APPLIED", "GROUP_ID", "NOT_APPLICABLE", "ORIENT_VALUES", "OUT_OF_SCOPE",
           "PENDING", "UNDONE", "Correction", "CorrectionError", "Outcome", "Replayed",
           "describe", "normalise", "replay"]
