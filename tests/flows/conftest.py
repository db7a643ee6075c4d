"""The integration tests of the flows share the real run of the sample (`sample_run`, in
tests/conftest.py, with the explorer's tests)."""
