"""Fixtures: a small analysed store read through the API (`api_inputs`)."""

from api_inputs import api, embedder, small_store

__all__ = ["api", "embedder", "small_store"]
