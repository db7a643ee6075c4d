"""corpus: from the notes of territorial dialogue workshops to recurring difficulties, levers and
the next territory's problématiques.

Nothing in this package ever reaches a model hub: the offline switches are set here, before any
library that could look for one is imported.
"""

import os

for _var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from corpus.version import __version__  # noqa: E402

__all__ = ["__version__"]


def __getattr__(name: str):
    """`corpus.open` without importing the API (pandas, DuckDB) at `import corpus`."""
    if name == "open":
        from corpus.api import open

        return open
    raise AttributeError(f"module 'corpus' has no attribute {name!r}")
