"""Tests of corpus.report. A package, so that its test modules may share a name with those of
another stage (tests/synthesis/test_problematiques.py)."""
