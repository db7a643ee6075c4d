"""Progress of long stages: log lines when not on a terminal, a bar on standard error, never
anything on standard output."""

import logging
import threading
import time

import pytest

from corpus import progress


@pytest.fixture
def log_mode(monkeypatch):
    monkeypatch.delenv("CORPUS_PROGRESS", raising=False)  # pytest's stderr is not a terminal


@pytest.fixture
def long_wait(log_mode, monkeypatch):
    """Every tracker counts as one long enough to wait for."""
    monkeypatch.setattr(progress, "QUIET_S", 0.0)


class Clock:
    """A clock the test moves: `progress` reads time through `time.perf_counter`."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _lines(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "corpus.progress"]


def test_not_on_a_terminal_the_logs_say_each_tenth(long_wait, caplog, capsys):
    caplog.set_level(logging.INFO, logger="corpus.progress")
    assert progress.mode() == "log"
    with progress.stage("orientation"):
        with progress.track("plongements e5-small", total=200, unit="textes"):
            for _ in range(50):
                progress.advance(4)
    lines = _lines(caplog)
    steps = [m for m in lines if "%)" in m]
    assert len(steps) == 9, lines  # 10 % ... 90 %, then the closing line
    assert steps[0].startswith("orientation · plongements e5-small : 20/200 textes (10 %)")
    assert "200 textes en" in lines[-2] and lines[-1].startswith("étape orientation :")
    out = capsys.readouterr()
    assert out.out == ""


def test_lines_pass_a_root_logger_at_warning(long_wait, caplog):
    """The CLI and Prefect keep the root logger at WARNING: progress lines still get out."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.WARNING)
    try:
        with progress.track("plongements use-multilingual", total=10, unit="textes"):
            progress.advance(5)
            progress.advance(5)
    finally:
        root.setLevel(level)
    assert [m for m in _lines(caplog) if "50 %" in m]
    assert any("10 textes en" in m for m in _lines(caplog))


def test_closing_records_carry_the_durations(log_mode, caplog):
    caplog.set_level(logging.DEBUG, logger="corpus.progress")  # a short tracker's: at DEBUG
    with progress.stage("thèmes"):
        with progress.track("libellés", total=3) as bar:
            time.sleep(0.05)
            bar.advance(3)
        time.sleep(0.05)
    found = [r.corpus_progress for r in caplog.records if hasattr(r, "corpus_progress")]
    assert [(f["kind"], f["name"], f["done"]) for f in found] == [
        ("track", "thèmes · libellés", 3), ("stage", "thèmes", 1)]
    track, stage = (f["seconds"] for f in found)
    assert 0.05 <= track < 5 and track + 0.05 <= stage < 5  # the time spent, each


def test_records_go_to_the_file_named(log_mode, monkeypatch, tmp_path):
    import json

    path = tmp_path / "progress.jsonl"
    monkeypatch.setenv("CORPUS_PROGRESS_RECORD", str(path))
    with progress.stage("orientation"), progress.track("plongements e5-small", total=2):
        progress.advance(2)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [(r["kind"], r["name"], r["done"]) for r in rows] == [
        ("track", "orientation · plongements e5-small", 2), ("stage", "orientation", 1)]


def test_advance_without_a_tracker_does_nothing(log_mode, caplog):
    caplog.set_level(logging.INFO, logger="corpus.progress")
    progress.advance(5)
    assert _lines(caplog) == []


def test_each_thread_advances_its_own_tracker(log_mode, caplog):
    caplog.set_level(logging.INFO, logger="corpus.progress")
    done = {}

    def work(name, n):
        with progress.track(name, total=n) as bar:
            for _ in range(n):
                progress.advance(1)
            done[name] = bar.done

    threads = [threading.Thread(target=work, args=(f"segmentation {t}", n))
               for t, n in (("a", 7), ("b", 13))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert done == {"segmentation a": 7, "segmentation b": 13}


def test_a_bar_goes_to_stderr_never_stdout(monkeypatch, capsys):
    monkeypatch.setenv("CORPUS_PROGRESS", "bar")
    with progress.track("segmentation marseille", total=4, unit="notes"):
        for _ in range(4):
            progress.advance(1)
    out = capsys.readouterr()
    assert out.out == ""
    assert "segmentation marseille" in out.err and "4/4" in out.err


def test_off_is_silent(monkeypatch, caplog, capsys):
    monkeypatch.setenv("CORPUS_PROGRESS", "off")
    caplog.set_level(logging.INFO, logger="corpus.progress")
    with progress.stage("synthèse"), progress.track("x", total=2):
        progress.advance(2)
    assert _lines(caplog) == [] and capsys.readouterr() == ("", "")


def test_embedding_advances_per_batch(long_wait, caplog):
    from corpus.embed import FakeEmbedder, embed_cached
    from corpus.embed.base import encode_by_length

    class Batched(FakeEmbedder):  # the real embedders' path: batches by length
        def encode(self, texts):
            return encode_by_length(list(texts), super().encode, dim=self.dim, batch_size=8)

    caplog.set_level(logging.INFO, logger="corpus.progress")
    texts = [f"texte numéro {i}" for i in range(40)]
    embed_cached(Batched(), texts + texts[:5])
    lines = _lines(caplog)
    assert len([m for m in lines if "%)" in m]) == 4, lines  # 8, 16, 24, 32 of 40
    found = [r.corpus_progress for r in caplog.records if hasattr(r, "corpus_progress")]
    assert [(f["name"], f["done"], f["total"]) for f in found] == [("plongements fake", 40, 40)]


@pytest.mark.parametrize(
    ("seconds_per_step", "expected"),
    [
        # 10 steps of 0.01 s (a label pass): the stage's line only
        (0.01, ["étape thèmes : 0,1 s"]),
        # 10 steps of 0.4 s: still under QUIET_S (5 s), one line for the stage
        (0.4, ["étape thèmes : 4,0 s"]),
        # 10 steps of 1.2 s: tenths once 5 s have passed, the tracker's last line, the stage's
        (1.2, ["thèmes · libellés : 5/10 (50 %), 6,0 s", "thèmes · libellés : 6/10 (60 %), 7,2 s",
               "thèmes · libellés : 7/10 (70 %), 8,4 s", "thèmes · libellés : 8/10 (80 %), 9,6 s",
               "thèmes · libellés : 9/10 (90 %), 10,8 s", "thèmes · libellés : 10 en 12,0 s",
               "étape thèmes : 12,0 s"]),
    ],
)
def test_a_person_reads_progress_only_for_a_wait(log_mode, caplog, monkeypatch,
                                                 seconds_per_step, expected):
    caplog.set_level(logging.INFO, logger="corpus.progress")
    clock = Clock()
    monkeypatch.setattr(progress.time, "perf_counter", clock)
    with progress.stage("thèmes"), progress.track("libellés", total=10):
        for _ in range(10):
            clock.now += seconds_per_step
            progress.advance(1)
    assert _lines(caplog) == expected


def test_a_long_step_says_when_it_ends_and_a_short_one_stays_quiet(log_mode, caplog,
                                                                    monkeypatch):
    """The themes stage of 100,000 segments was 210 s without a line after its embeddings."""
    caplog.set_level(logging.INFO, logger="corpus.progress")
    clock = Clock()
    monkeypatch.setattr(progress.time, "perf_counter", clock)
    with progress.stage("thèmes"):
        with progress.step("réduction UMAP", 99_854, "segments"):
            clock.now += 80.1
        with progress.step("grands thèmes", 12, "thèmes"):
            clock.now += 0.3
            progress.advance(5)  # an embedder's count inside does not move the step
    assert _lines(caplog) == ["thèmes · réduction UMAP : 99 854 segments en 80,1 s",
                              "étape thèmes : 80,4 s"]
