"""The test set-up itself: the files that share the sample's real run are all listed."""

from pathlib import Path

from conftest import ROOT, SAMPLE_RUN_FILES


def test_every_file_using_the_samples_run_is_scheduled_with_it():
    """A file that uses `sample_run` (or the explorer's copy of it) but is not in
    `SAMPLE_RUN_FILES` would build the run again on another worker."""
    users = {p.relative_to(ROOT).as_posix() for p in (ROOT / "tests").rglob("test_*.py")
             if "sample_run" in p.read_text(encoding="utf-8")}
    users.discard(Path(__file__).relative_to(ROOT).as_posix())
    assert users <= set(SAMPLE_RUN_FILES), sorted(users - set(SAMPLE_RUN_FILES))
    assert all((ROOT / f).exists() for f in SAMPLE_RUN_FILES)
