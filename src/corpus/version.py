"""The version of corpus (the package's `__version__`, in `run.json` and exports)."""

__version__ = "0.1.0"
