"""A correction session of the groupe de coopération on the sample, with real runs (slow).

One session, shared by the tests: run Marseille; rename, merge, split, move, re-orient, mark a
déroulé line, hide then undo; run again with nothing new (the command line, run.json); run the
whole sample (an event added); run the next territory on a new store with `--seed-from`. Each
test reads what one step left. Then the explorer in a real browser on the session's store.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from conftest import SAMPLE

pytestmark = pytest.mark.slow

THEME_ACTIONS = ("rename", "merge", "split", "pin")


def run_in_process(input: Path, store: Path, out: Path, seed_from: Path | None = None) -> dict:
    """Every stage of `corpus run`, in this process (the models load once for the session)."""
    from corpus.config import Settings
    from corpus.pipeline import STAGES, Context, run_stages

    ctx = Context(store=str(store), input=str(input), settings=Settings(store=store),
                  out=str(out), seed_from=str(seed_from) if seed_from else None,
                  run_id=f"test-{out.name}")
    _, done, _ = run_stages(STAGES, ctx)
    return done


@dataclass
class Session:
    root: Path
    store: Path
    picked: dict = field(default_factory=dict)
    after_corrections: dict = field(default_factory=dict)
    log: list = field(default_factory=list)
    event_added: dict = field(default_factory=dict)
    next_territory: dict = field(default_factory=dict)
    next_store: Path | None = None


def _themes(out: Path) -> dict[str, dict]:
    return {t["theme_id"]: t for t in json.loads((out / "themes.json").read_text("utf-8"))}


@pytest.fixture(scope="session")
def session(tmp_path_factory) -> Session:
    import corpus

    root = tmp_path_factory.mktemp("corrections")
    s = Session(root=root, store=root / "corpus.duckdb")
    run_in_process(SAMPLE / "marseille", s.store, root / "m1")
    themes = sorted(_themes(root / "m1").values(), key=lambda t: (-t["size"], t["theme_id"]))
    assert len(themes) >= 5, [t["label"] for t in themes]
    split, kept, merged, renamed, hidden = (t["theme_id"] for t in themes[:5])
    api = corpus.open(s.store)
    segs = api.segments(theme=renamed)
    moved = segs["segment_id"].iloc[0]
    deroule = segs["segment_id"].iloc[1]
    difficulties = api.segments(theme=kept, orientation="difficulte")["segment_id"]
    oriented = difficulties.iloc[-1]
    group = themes[0]["group_id"]
    s.picked = dict(split=split, kept=kept, merged=merged, renamed=renamed, hidden=hidden,
                    moved=moved, oriented=oriented, deroule=deroule, group=group)
    api.correct("rename", renamed, "Intitulé choisi par le groupe", by="Awa", why="plus juste")
    api.correct("merge", kept, [merged], by="Awa", why="une seule préoccupation")
    api.correct("split", split, {"into": 2}, by="Karim")
    api.correct("move", moved, split, by="Karim")
    api.correct("orient", oriented, "levier", by="Karim", why="c'est une piste")
    api.correct("orient", deroule, "deroule", by="Karim")
    api.correct("rename", group, "Grand thème du groupe", by="Awa")
    hide = api.correct("hide", hidden, by="Awa")
    api.undo(hide["correction_id"])
    rows = api.segments().set_index("segment_id")
    s.after_corrections = {
        "themes": api.themes().set_index("theme_id")[["label", "segments", "group_label"]]
        .to_dict("index"),
        "moved": rows.loc[moved, "theme_id"], "oriented": rows.loc[oriented, "orientation"],
        "deroule": rows.loc[deroule, "theme_id"], "hidden_undone": hide["correction_id"],
    }
    s.log = api.corrections().to_dict("records")

    # run again, nothing new: the command line, run.json and the output folder
    done = subprocess.run([sys.executable, "-m", "corpus.cli", "run", str(SAMPLE / "marseille"),
                           "--store", str(s.store), "--out", str(root / "m2")],
                          capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-3000:]
    # an event added: the whole sample (Marseille and Haute-Provence)
    s.event_added = run_in_process(SAMPLE, s.store, root / "m3")["corrections"]
    # the next territory, on its own store, seeded by the problématiques of the last run
    s.next_store = root / "next.duckdb"
    s.next_territory = run_in_process(SAMPLE / "haute-provence", s.next_store, root / "m4",
                                      seed_from=root / "m3" / "problematiques.json"
                                      )["corrections"]
    return s


def test_each_correction_shows_at_once(session):
    p, seen = session.picked, session.after_corrections
    themes = seen["themes"]
    assert themes[p["renamed"]]["label"] == "Intitulé choisi par le groupe"
    assert p["merged"] not in themes and p["kept"] in themes
    assert f"{p['split']}-2" in themes
    assert seen["moved"] == p["split"] and seen["oriented"] == "levier"
    assert pd.isna(seen["deroule"])
    assert p["hidden"] in themes  # hidden, then the hiding undone
    assert {t["group_label"] for tid, t in themes.items()
            if tid.startswith(p["split"])} == {"Grand thème du groupe"}
    states = {c["correction_id"]: c["status"] for c in session.log}
    assert states.pop(seen["hidden_undone"]) == "undone"
    assert set(states.values()) == {"applied"}


def test_a_rerun_with_nothing_new_keeps_every_correction(session):
    p, out = session.picked, session.root / "m2"
    run = json.loads((out / "run.json").read_text("utf-8"))
    active = [c["correction_id"] for c in session.log if c["status"] == "applied"]
    assert run["corrections"]["applied"] == active
    assert run["corrections"]["not_applicable"] == []
    themes = _themes(out)
    assert themes[p["renamed"]]["label"] == "Intitulé choisi par le groupe"
    assert p["merged"] not in themes and f"{p['split']}-2" in themes
    segs = pd.read_parquet(out / "segments.parquet").set_index("segment_id")
    assert segs.loc[p["moved"], "theme_id"] == p["split"]
    assert segs.loc[p["oriented"], "orientation"] == "levier"
    synthese = (out / "synthese.md").read_text("utf-8")
    assert "## Corrections du groupe de coopération" in synthese
    assert "Intitulé choisi par le groupe" in synthese
    items = json.loads((out / "problematiques.json").read_text("utf-8"))
    chosen = [i for i in items if i["theme_id"] == p["renamed"]]
    assert chosen and chosen[0]["theme_label"] == "Intitulé choisi par le groupe"
    assert chosen[0]["heading_chosen_by_group"] is True
    assert any(c["action"] == "rename" for c in chosen[0]["corrections"])


def test_an_added_event_replays_the_log_or_says_why(session):
    p, found = session.picked, session.event_added
    active = {c["correction_id"]: c for c in session.log if c["status"] == "applied"}
    reported = {x["correction_id"]: x["reason"] for x in found["not_applicable"]}
    assert set(found["applied"]) | set(reported) == set(active)  # nothing silently dropped
    assert found["out_of_scope"] == [] and all(reported.values())
    themes = _themes(session.root / "m3")
    segs = pd.read_parquet(session.root / "m3" / "segments.parquet").set_index("segment_id")
    by_target = {(c["action"], c["target"]): cid for cid, c in active.items()}
    if by_target[("rename", p["renamed"])] in found["applied"]:
        assert themes[p["renamed"]]["label"] == "Intitulé choisi par le groupe"
    if by_target[("move", p["moved"])] in found["applied"]:
        assert segs.loc[p["moved"], "theme_id"] == p["split"]
    assert segs.loc[p["oriented"], "orientation"] == "levier"
    assert pd.isna(segs.loc[p["deroule"], "theme_id"])
    assert set(segs["territory"]) == {"marseille", "haute-provence"}


def test_the_next_territory_carries_the_seeded_themes_corrections(session):
    import corpus

    seeds = json.loads((session.root / "m3" / "problematiques.json").read_text("utf-8"))
    seeded = {c["correction_id"] for item in seeds for c in item.get("corrections", [])}
    found = session.next_territory
    assert seeded and len(found["carried"]) == len(seeded)
    log = corpus.open(session.next_store).corrections()
    assert set(log["correction_id"]) == set(found["carried"])
    assert {a for a in log["action"]} <= set(THEME_ACTIONS)
    reported = {x["correction_id"] for x in found["not_applicable"]}
    assert set(found["applied"]) | reported == set(found["carried"])
    synthese = (session.root / "m4" / "synthese.md").read_text("utf-8")
    assert "## Corrections du groupe de coopération" in synthese
    themes = _themes(session.root / "m4")
    for row in log.to_dict("records"):
        if row["action"] != "rename" or row["correction_id"] not in found["applied"]:
            continue
        if row["target"].startswith("G"):  # a grand thème, found again by its themes
            assert row["value"]["label"] in {t["group_label"] for t in themes.values()}
        else:
            assert themes[row["target"]]["label"] == row["value"]["label"]
            assert row["value"]["label"] in synthese


def test_orientation_corrections_refit_the_model(session, tmp_path):
    from corpus.config import Settings
    from corpus.pipeline import train_from_corrections
    from corpus.store import Store

    done = train_from_corrections(Store(session.store), Settings(), out=tmp_path / "m",
                                  embedder="lexical")
    assert Path(done["model"]).exists() and done["corrections"] == 2
    before, after = (int(done["corrections_respected"][k].split("/")[0])
                     for k in ("before", "after"))
    assert after >= before and after >= 1


# -- the explorer in a real browser --------------------------------------------------------------


def _serve(app, port_holder: list):
    import socket

    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    port_holder.append(port)
    return server


def _wait(driver, script: str, timeout: float = 60.0):
    end = time.time() + timeout
    while time.time() < end:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"la page n'a pas atteint l'état attendu : {script}")


def test_rename_and_merge_from_the_explorer(session, tmp_path):
    from browser import chromium
    from fastapi import FastAPI
    from fastapi.responses import HTMLResponse
    from selenium.webdriver.support.ui import Select

    import corpus
    from corpus.explore.app import create_app

    store = tmp_path / "explore.duckdb"
    shutil.copy(session.next_store, store)
    api = corpus.open(store)
    themes = api.themes()
    first, second = themes["theme_id"].iloc[0], themes["theme_id"].iloc[1]
    before = len(api.corrections())
    ports: list[int] = []
    explorer = _serve(create_app(api), ports)
    base = f"http://127.0.0.1:{ports[0]}"
    other = FastAPI()  # a page of another origin that tries to write

    @other.get("/", response_class=HTMLResponse)
    def attack() -> str:
        return ("<script>fetch('" + base + "/api/corrections', {method: 'POST', mode: 'no-cors',"
                " headers: {'Content-Type': 'text/plain'}, body: JSON.stringify({action: 'hide',"
                f" target: '{first}', value: {{}}, by: 'x', why: 'x'}})}})"
                ".finally(function () { document.title = 'envoyé'; });</script>")

    attacker = _serve(other, ports)
    try:
        with chromium(tmp_path / "profile", ["--proxy-bypass-list=127.0.0.1",
                                             "--window-size=1400,1500"]) as driver:
            driver.get(f"{base}/?page={first}")
            _wait(driver, "return document.getElementById('rename-label')")
            box = driver.find_element("id", "rename-label")
            box.clear()
            box.send_keys("Renommé dans l'explorateur")
            driver.find_element("id", "rename-save").click()
            _wait(driver, "return document.getElementById('theme-title').textContent"
                          ".includes(\"Renommé dans l'explorateur\")")
            Select(driver.find_element("id", "merge-with")).select_by_value(second)
            driver.find_element("id", "merge-save").click()
            _wait(driver, "return document.querySelectorAll('#corrections li').length == "
                          f"{before + 2}")
            driver.refresh()
            _wait(driver, "return document.getElementById('theme-title') && "
                          "document.querySelectorAll('#f-theme option').length > 1")
            assert "Renommé dans l'explorateur" in driver.find_element("id", "theme-title").text
            options = [o.get_attribute("value") for o in
                       driver.find_elements("css selector", "#f-theme option")]
            assert first in options and second not in options
            driver.get(f"http://127.0.0.1:{ports[1]}/")
            _wait(driver, "return document.title == 'envoyé'")
    finally:
        explorer.should_exit = attacker.should_exit = True
    log = corpus.open(store).corrections()
    assert log["action"].tolist()[-2:] == ["rename", "merge"]
    assert "hide" not in set(log["action"])  # the other origin's write was refused
