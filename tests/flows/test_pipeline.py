"""`corpus run` end to end on the shipped sample, through the real Prefect engine."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from real_answers import ANSWERS

from corpus.text.protect import leaks

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"


def test_sample_run_writes_the_output_contract(sample_run):
    tmp, _, summary = sample_run
    out = tmp / "out"
    segs = pd.read_parquet(out / "segments.parquet")
    docs = pd.read_parquet(out / "documents.parquet")
    assert list(segs.columns[:11]) == [
        "segment_id", "doc_id", "territory", "event", "atelier", "text",
        "orientation", "orientation_score", "theme_id", "theme_label", "group_id",
    ]
    assert list(docs.columns[:6]) == [
        "doc_id", "territory", "event", "atelier", "orientation", "theme_id"]
    assert len(segs) >= 200
    assert segs["territory"].nunique() == 2
    assert segs.groupby(["event", "atelier"]).ngroups >= 16
    assert len(docs) == 20 and set(segs["doc_id"]) == set(docs["doc_id"])
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["counts"]["segments"] == len(segs) and run["seed"] == 42
    content = segs[segs["kind"] == "contenu"]
    ran = segs[segs["kind"] == "deroule"]  # how the ateliers ran: no orientation, no theme
    assert content["orientation"].isin(["difficulte", "levier", "autre"]).all()
    assert ran["orientation"].isna().all() and ran["theme_id"].isna().all()
    assert content["theme_id"].notna().mean() >= 0.9
    themes = json.loads((out / "themes.json").read_text(encoding="utf-8"))
    assert {t["theme_id"] for t in themes} == set(segs["theme_id"].dropna())
    for t in themes:
        assert t["size"] == int((segs["theme_id"] == t["theme_id"]).sum())
    recurring = [t for t in themes if t["recurring"]]
    assert recurring and all(t["n_ateliers"] >= 2 for t in recurring)
    # grands thèmes: a level above the themes, the same in themes.json and segments.parquet
    group_of = {t["theme_id"]: t["group_id"] for t in themes}
    assert 1 < len(set(group_of.values())) < len(themes)
    themed = segs[segs["theme_id"].notna()]
    assert (themed["group_id"] == themed["theme_id"].map(group_of)).all()
    # labels: a phrase written in at least one of the theme's own segments (issue 21: the one
    # that best finds them as a query, not the most frequent), different for each theme
    assert len({t["label"] for t in themes}) == len(themes)
    assert sum(t["label_is_phrase"] for t in themes) >= 0.8 * len(themes)
    for t in (t for t in themes if t["label_is_phrase"]):
        written = themed.loc[themed["theme_id"] == t["theme_id"], "text"].str.lower()
        assert written.str.contains(t["label"].lower(), regex=False).sum() >= 1, t["label"]


def test_sample_run_writes_synthesis_and_problematiques(sample_run):
    import docx

    tmp, _, _ = sample_run
    out = tmp / "out"
    md = (out / "synthese.md").read_text(encoding="utf-8")
    assert "Difficultés du métier récurrentes" in md
    assert leaks(md) == []
    document = docx.Document(str(out / "synthese.docx"))
    headings = {p.text for p in document.paragraphs if p.style.name.startswith("Heading")}
    assert "Difficultés du métier récurrentes" in headings
    html = (out / "synthese.html").read_text(encoding="utf-8")
    assert "<svg" in html and 'src="http' not in html and "<link" not in html
    problems = json.loads((out / "problematiques.json").read_text(encoding="utf-8"))
    assert problems and all(p["question"].endswith(" ?") for p in problems)
    weights = [p["weight"] for p in problems]
    assert weights == sorted(weights, reverse=True)


def test_no_email_phone_or_listed_name_survives(sample_run):
    tmp, _, _ = sample_run
    segs = pd.read_parquet(tmp / "out" / "segments.parquet")
    text = "\n".join(segs["text"])
    assert leaks(text) == []
    # Names written in the sample's notes and manifests (contacts, trinômes).
    for name in ("Marchetti", "Mansouri", "Haddad", "Lefèvre", "Garcin", "Oliveri", "Pellegrin"):
        assert name not in text, name
    assert "Personne " in text
    # Organisations stay: they are the point of the analysis.
    assert "Mission locale" in text or "ML" in text
    assert "Cap emploi" in text


def test_second_ingest_adds_nothing(sample_run):
    from flows.ingest import IngestParams, ingest_flow

    tmp, params, _ = sample_run
    again = ingest_flow(IngestParams(input=params.input, store=params.store))
    assert again.added["documents"] == 0 and again.added["segments"] == 0
    assert again.unchanged == 20


def _cli(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "corpus.cli", *args], cwd=cwd, capture_output=True, text=True,
        timeout=600,
    )


def test_bad_input_is_refused_and_store_untouched(tmp_path):
    bad = tmp_path / "demarche"
    shutil.copytree(SAMPLE / "marseille", bad / "marseille")
    ateliers = bad / "marseille" / "2026-03-journee-cep" / "ateliers.csv"
    lines = ateliers.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(";", ",", 2)  # a broken row: two fields glued together
    ateliers.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = tmp_path / "c.duckdb"
    done = _cli("ingest", str(bad), "--store", str(store), cwd=ROOT)
    assert done.returncode == 2
    assert "ateliers.csv" in done.stderr and "ligne 4" in done.stderr
    assert "Correction" in done.stderr
    status = _cli("status", "--store", str(store), "--json", cwd=ROOT)
    counts = json.loads(status.stdout)
    assert counts["documents"] == 0 and counts["segments"] == 0


def test_next_territory_seeded_from_the_previous_problematiques(tmp_path, prefect_harness):
    """Marseille's problématiques seed Haute-Provence: found-again and new themes reported."""
    from flows.pipeline import RunParams, pipeline

    store = str(tmp_path / "c.duckdb")
    urban = tmp_path / "marseille"
    pipeline(RunParams(input=str(SAMPLE / "marseille"), out=str(urban), store=store))
    seeds = json.loads((urban / "problematiques.json").read_text(encoding="utf-8"))
    assert seeds and all(
        {"question", "theme_id", "weight", "segment_ids", "quotes", "levers",
         "organisations_to_invite", "method", "method_reason"} <= set(p) for p in seeds
    )
    assert all(p["question"].endswith(" ?") for p in seeds)
    rural = tmp_path / "haute-provence"
    pipeline(RunParams(input=str(SAMPLE / "haute-provence"), out=str(rural), store=store,
                       seed_from=str(urban / "problematiques.json")))
    found = json.loads((rural / "themes.json").read_text(encoding="utf-8"))
    statuses = {t["status"] for t in found}
    assert "retrouvé" in statuses and "nouveau" in statuses
    seed_ids = {p["theme_id"] for p in seeds}
    assert any(t["theme_id"] in seed_ids for t in found if t["status"] == "retrouvé")
    synthese = (rural / "synthese.md").read_text(encoding="utf-8")
    assert "Retrouvée" in synthese or "retrouvée" in synthese
    for name in ("synthese.html", "synthese.docx", "problematiques.md"):
        assert (rural / name).stat().st_size > 0


def test_unchanged_rerun_reuses_the_stored_results_and_rewrites_missing_outputs(sample_run):
    """Nothing new: orientation, themes, feedback themes and synthesis are not recomputed (their
    results in the store keep their date), and an output file deleted since the last run is
    written again, byte for byte, from the store."""
    from corpus.store import Store
    from flows.pipeline import pipeline

    tmp, params, _ = sample_run
    out = Path(params.out)
    store = Store(params.store)

    def recorded() -> dict:
        frame = store.db.frame("SELECT stage, recorded_at FROM stage_results ORDER BY stage")
        return dict(zip(frame["stage"], frame["recorded_at"], strict=True))

    before_runs = recorded()
    assert {"run:orientation", "run:themes", "run:feedback", "run:synthesis"} <= set(before_runs)
    before = {n: (out / n).read_bytes() for n in ("themes.json", "synthese.md", "synthese.docx")}
    for name in before:
        (out / name).unlink()
    again = pipeline(params)
    assert again["counts"]["added"]["documents"] == 0
    assert recorded() == before_runs
    assert {n: (out / n).read_bytes() for n in before} == before


def test_sample_synthesis_names_themes_of_the_participants_answers(sample_run):
    """The participants' section of the sample's synthesis names themes of the open answers,
    each with its number of answers, and the note themes some of them join; no word counts."""
    import re

    tmp, _, _ = sample_run
    out = tmp / "out"
    md = (out / "synthese.md").read_text(encoding="utf-8")
    labels = {t["theme_id"]: t["label"]
              for t in json.loads((out / "themes.json").read_text(encoding="utf-8"))}
    start = md.index("### Ce qu'ont dit les participants")
    section = md[start:md.index("### Acteurs présents", start)]
    assert "Mots partagés" not in section
    named = []
    for question in ("Ce que je retiens", "Ce qui m'a manqué", "Ce que je vais mettre en œuvre"):
        head = re.search(rf"^#### {question} \((\d+) réponses\)$", section, flags=re.M)
        end = section.find("\n#### ", head.end())
        part = section[head.end():end if end >= 0 else len(section)]
        found = re.findall(r"^- \*\*(.+?)\*\* : (\d+) réponses?", part, flags=re.M)
        outside = re.search(r"^\*(\d+) réponses? dans aucun de ces thèmes", part, flags=re.M)
        assert found, question
        # no heading twice under one question (the answers without a subject are one entry)
        assert len({label for label, _ in found}) == len(found), found
        assert sum(int(n) for _, n in found) + int(outside[1] if outside else 0) == int(head[1])
        assert all(not re.search(r"\(\d+ réponses?\)", label) for label, _ in found)
        named += [label for label, _ in found if label != "Réponses diverses"]
    assert len(named) >= 4, named  # 146 answers: several subjects of their own
    links = re.findall(r"\(rejoint le thème « (.+?) », (T\d+)\)", section)
    assert links and all(labels[tid] == label for label, tid in links)


@pytest.mark.skipif(not ANSWERS.exists(), reason=f"{ANSWERS} absent (données partagées)")
def test_a_table_of_other_subjects_gets_readable_questions(tmp_path, prefect_harness, nlp):
    """Subjects the sample never speaks of (Grand Débat questions, read in place): phrase
    labels, grands thèmes, and questions where every article introduces a noun."""
    from corpus.ingest import TableOptions
    from flows.pipeline import RunParams, pipeline

    answers = pd.read_csv(ANSWERS, dtype=str, keep_default_na=False).sort_values("id")
    chosen = sorted(answers["label"].unique())[1::5]
    table = answers[answers["label"].isin(chosen)].groupby("label").head(40)
    table[["id", "text"]].to_csv(tmp_path / "reponses.csv", index=False)
    pipeline(RunParams(input=str(tmp_path / "reponses.csv"), out=str(tmp_path / "out"),
                       store=str(tmp_path / "c.duckdb"), table=TableOptions(text="text", id="id")))
    themes = json.loads((tmp_path / "out" / "themes.json").read_text(encoding="utf-8"))
    assert len(chosen) / 2 <= len(themes) <= 2 * len(chosen)
    assert sum(t["label_is_phrase"] for t in themes) >= 0.8 * len(themes)
    assert all(t["group_id"] and t["group_label"] for t in themes)
    items = json.loads((tmp_path / "out" / "problematiques.json").read_text(encoding="utf-8"))
    assert items and len({i["opening"] for i in items}) == len(items)  # no scaffold repeated
    for item in items:
        question = item["question"]
        assert question.endswith(" ?") and "ce thème" not in question
        for tok in nlp(question):
            if tok.pos_ == "DET" and tok.lower_ in {"le", "la", "les", "l'", "du", "des", "au",
                                                     "aux"}:
                nxt = next(t for t in tok.doc[tok.i + 1:] if t.pos_ != "ADJ")
                assert nxt.pos_ in ("NOUN", "PROPN"), (question, tok.text, nxt.text)


def same_outputs(mine: Path, theirs: Path) -> None:
    """Every output file the same bytes; run.json the same but for timings, dates and paths."""
    names = sorted(p.name for p in theirs.iterdir())
    assert sorted(p.name for p in mine.iterdir()) == names
    for name in names:
        if name == "run.json":
            a, b = (json.loads((d / name).read_text(encoding="utf-8")) for d in (mine, theirs))
            new = ("added", "unchanged_documents")  # a rerun of the same store adds nothing
            assert {k: v for k, v in a["counts"].items() if k not in new} == {
                k: v for k, v in b["counts"].items() if k not in new} and a["seed"] == b["seed"]
        else:
            assert (mine / name).read_bytes() == (theirs / name).read_bytes(), name


def run_sample(tmp_path: Path, out: Path, **env: str) -> subprocess.CompletedProcess:
    """`corpus run data/sample` in a process of its own, with `env` added to its environment."""
    import os

    done = subprocess.run(
        [sys.executable, "-m", "corpus.cli", "run", str(SAMPLE), "--out", str(out),
         "--store", str(tmp_path / "c.duckdb"), "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
             **env},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def test_same_outputs_whatever_the_threads_and_the_order_tasks_finish(sample_run, tmp_path):
    """Another number of threads for the tasks, the embedders and BLAS, and the first
    territory's task finishing last: every output is the same bytes as the default run's."""
    import os

    _, params, _ = sample_run
    finished = tmp_path / "finished.txt"
    territories = sorted(p.name for p in SAMPLE.iterdir() if p.is_dir())
    run_sample(
        tmp_path, tmp_path / "out", CORPUS_THREADS="4", OPENBLAS_NUM_THREADS="1",
        CORPUS_TEST_SLOW_TERRITORY=territories[0], CORPUS_TEST_FINISHED=str(finished),
        PYTHONPATH=os.pathsep.join([str(ROOT / "tests" / "fixtures" / "slow_territory"),
                                    str(ROOT / "src"), str(ROOT)]),
    )
    assert finished.read_text(encoding="utf-8").split() == [*territories[1:], territories[0]]
    same_outputs(tmp_path / "out", Path(params.out))


def test_territories_segmented_in_processes_give_the_same_outputs(sample_run, tmp_path):
    """A large input's territories are segmented in other processes on the thread runner
    (`Settings.ingest_processes_min_chars`, here lowered to the sample): the same bytes out."""
    _, params, _ = sample_run
    record = tmp_path / "progress.jsonl"
    run_sample(tmp_path, tmp_path / "out", CORPUS_INGEST_PROCESSES_MIN_CHARS="1",
               CORPUS_PROGRESS_RECORD=str(record))
    records = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]
    parts = {r["pid"] for r in records if r["name"].startswith("segmentation")}
    stages = {r["pid"] for r in records if r["kind"] == "stage"}
    assert parts and stages and not parts & stages  # segmented elsewhere than the run
    same_outputs(tmp_path / "out", Path(params.out))


def test_dask_runner_gives_the_same_outputs(sample_run, tmp_path):
    """`CORPUS_TASK_RUNNER=dask` pointed at a Dask cluster (`CORPUS_DASK_ADDRESS`, here a local
    one of one worker process) segments the territories there, and `corpus run` writes the same
    themes and segments as with the thread pool."""

    from dask.distributed import LocalCluster

    _, params, _ = sample_run
    out = tmp_path / "out"
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        done = run_sample(tmp_path, out, CORPUS_TASK_RUNNER="dask",
                          CORPUS_DASK_ADDRESS=cluster.scheduler_address)
        ran_there = {prefix for prefix, tp in cluster.scheduler.task_prefixes.items()
                     if sum(tp.state_counts.values())}
    assert any("stage_part" in p for p in ran_there), ran_there  # the territories, segmented
    assert json.loads(done.stdout)["counts"]["segments"] > 0
    same_outputs(out, Path(params.out))
