"""Settings: one object, the only reader of the CORPUS_* variables, one rule to parse them."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from corpus.config import DEFAULT_SEED, ConfigError, Settings, default, environment


@pytest.mark.parametrize(("written", "on"), [
    ("1", True), ("true", True), ("Yes", True), ("on", True),
    ("0", False), ("false", False), ("FALSE", False), ("no", False), ("off", False), ("", False)])
def test_one_rule_for_booleans(monkeypatch, written, on):
    """`CORPUS_DEBUG=false` is off everywhere (it counted as on in the CLI before)."""
    from flows import quiet

    monkeypatch.setenv("CORPUS_DEBUG", written)
    assert environment().debug is on
    assert quiet.debug() is on


def test_a_value_that_does_not_parse_names_the_variable_and_the_fix(monkeypatch):
    monkeypatch.setenv("CORPUS_DEBUG", "peut-être")
    with pytest.raises(ConfigError, match=r"CORPUS_DEBUG='peut-être'.*export CORPUS_DEBUG=1"):
        environment()


def test_the_environment_is_read_once(monkeypatch):
    monkeypatch.setenv("CORPUS_THREADS", "3")
    assert environment().threads == 3
    monkeypatch.setenv("CORPUS_THREADS", "5")
    assert environment().threads == 3  # read once per process
    environment.cache_clear()
    assert environment().threads == 5


def test_any_setting_can_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("CORPUS_SEED", "7")
    monkeypatch.setenv("CORPUS_THEMES_LEXICAL_WEIGHT", "0.4")
    settings = Settings()
    assert (settings.seed, settings.themes_lexical_weight) == (7, 0.4)
    assert Settings(seed=11).seed == 11  # an argument wins


def test_run_json_keeps_the_run_settings_not_the_process_switches(monkeypatch):
    monkeypatch.setenv("CORPUS_THREADS", "1")
    monkeypatch.setenv("CORPUS_DEBUG", "1")
    settings = Settings(store="x.duckdb", seed=3)
    shown = settings.as_dict()
    assert shown["store"] == "x.duckdb" and shown["seed"] == 3
    assert shown["run_lock_timeout_s"] == 3600.0 and shown["store_lock_timeout_s"] == 600.0
    assert not {"threads", "debug", "progress", "task_runner", "dask_address"} & set(shown)
    # so the cache keys do not change with them either
    monkeypatch.setenv("CORPUS_THREADS", "2")
    assert Settings(store="x.duckdb", seed=3).as_dict() == shown


def test_settings_are_frozen_hashable_and_copied_with_changes():
    settings = Settings(store=Path("a.duckdb"))
    with pytest.raises(ValueError):
        settings.seed = 1  # type: ignore[misc]
    assert hash(settings) == hash(Settings(store=Path("a.duckdb")))
    changed = settings.with_(seed=7)
    assert (changed.seed, settings.seed) == (7, DEFAULT_SEED)
    assert pickle.loads(pickle.dumps(changed)) == changed  # Dask workers get them pickled
    with pytest.raises(ConfigError, match="no_such_field"):
        settings.with_(no_such_field=1)


def test_defaults_are_read_from_the_one_definition():
    from corpus.themes import labels

    assert labels.SINGLE_WORD_WEIGHT == default("themes_label_single_word_weight") == 0.3
    assert Settings().seed == DEFAULT_SEED == 42
