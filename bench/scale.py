"""The whole pipeline (`corpus run`) on 10,000, 30,000 and 100,000 segments of real texts: time
per stage, peak memory, embedding against its floor, growth exponents; thread vs Dask runner.

    .venv/bin/python bench/scale.py [--sizes 10000,30000,100000] [--runner thread|dask]
                                    [--compare-dask 30000] [--floor-sample 1000] [--keep DIR]

For each size, a table of N segments is written under a temporary folder (never in the
project): pieces (bullets, sentences) of the real texts of ../shared/data (Grand Débat meeting
units and reports, open answers), each used once, and pieces made by joining the first half of
one piece to the second half of a piece from another text, so no two segments are the same text
and the embedding cache spares nothing. Every size holds the same share of joined halves, the
one the largest size needs (68 % for 100,000), so that the sizes differ in number, not in kind
(`--real-first`: real pieces first, joined halves only past them, as before 07/12/2026).
Rows hold 1 to 8 pieces as bullets (one segment each), ateliers 8 rows, territories are the
data's régions.

Each run is `python -m corpus.cli run TABLE ...` in a fresh store and Prefect home: its stage
times come from run.json and from the progress records (`CORPUS_PROGRESS_RECORD`), its memory
is the peak of the summed RSS of every process below this one (the run, its Prefect server,
the Dask workers), sampled every 0.5 s. The embedding floor is each embedder's own texts per
second (`encode`, model already loaded, no store; the faster of two passes) on a sample of the
same segments, measured here after the run. The exponent a of a stage fits time ~ n^a between
consecutive sizes. "rapports écrits" is the command's time less its last stage, the search's
vectors (filled after the synthesis and the output folder are written).
`--compare-dask` sizes are run a second time with `CORPUS_TASK_RUNNER=dask` on a
`dask.distributed.LocalCluster` (two worker processes, via `CORPUS_DASK_ADDRESS`) and their
outputs compared (themes.json, every column of segments.parquet, the synthesis and the
problématiques, byte for byte).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
UNITS = DATA / "granddebat_reunions" / "units.csv"
REPORTS = DATA / "granddebat_reunions" / "reports.jsonl"
ANSWERS = DATA / "granddebat_questions" / "answers.csv"
MIN_CHARS, MAX_CHARS = 30, 400  # a piece is one segment: at least the segmenter's minimum
ROWS_PER_ATELIER = 8
JOIN_BELOW = 120  # a sentence shorter than this takes the next one with it

_SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÀ-ÖØ-Ý«\"])")
_LEAD = re.compile(r"^\s*(?:[-*+•▪◦●–—>#]+|\d{1,2}[.)])\s*")


# -- the texts ---------------------------------------------------------------------------------


def source_texts() -> list[tuple[str, str]]:
    """(source id, text) of every real text: units, reports' free boxes, open answers."""
    out: list[tuple[str, str]] = []
    units = pd.read_csv(UNITS, dtype=str).fillna("")
    out += list(zip(units["id"], units["text"], strict=True))
    with REPORTS.open(encoding="utf-8") as f:
        for line in f:
            report = json.loads(line)
            for box in ("constats", "propositions", "avis_divers", "deroulement"):
                if isinstance(report.get(box), str) and report[box].strip():
                    out.append((f"{report['id']}-{box}", report[box]))
    answers = pd.read_csv(ANSWERS, dtype=str).fillna("")
    out += list(zip(answers["id"], answers["text"], strict=True))
    return out


def canonical(text: str) -> str:
    return " ".join(text.split())


def pieces(texts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(source id, piece): the sentences of each line of a text, a short one joined to the
    next; unique, of segment size. 113 characters on average, where the segmenter's segments of
    the meeting units average 122 (2.6 M characters, 21,530 segments: bench/ingest.py)."""
    seen: set[str] = set()
    out = []

    def keep(source: str, piece: str) -> None:
        key = piece.lower()
        if (MIN_CHARS <= len(piece) <= MAX_CHARS and sum(c.isalpha() for c in piece) > 20
                and key not in seen):
            seen.add(key)
            out.append((source, piece))

    for source, text in texts:
        for line in text.splitlines():
            current = ""
            for sentence in _SENTENCE.split(_LEAD.sub("", line)):
                sentence = canonical(_LEAD.sub("", sentence).replace("*", "").replace("_", " "))
                current = f"{current} {sentence}".strip()
                if len(current) >= JOIN_BELOW:
                    keep(source, current)
                    current = ""
            if current:
                keep(source, current)
    return out


def segment_texts(n: int, pool: list[tuple[str, str]], seed: int,
                  joined_share: float = 0.0) -> tuple[list[str], int]:
    """`n` different texts: real pieces (shuffled), then halves of two pieces of different
    texts joined, at least `joined_share` of them (every size of a bench gets the largest
    size's share: the lexical model is less sure of joined halves, so that a share growing with
    the size sent more of them to e5 and made the orientation look superlinear). Returns the
    texts and how many of them are joined halves."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(pool))
    out = [pool[i][1] for i in order[:n - round(n * joined_share)]]
    seen = {t.lower() for t in out}
    made = 0
    while len(out) < n:
        i, j = rng.integers(len(pool), size=2)
        if pool[i][0] == pool[j][0]:
            continue
        a, b = pool[i][1].split(), pool[j][1].split()
        text = " ".join(a[: max(1, len(a) // 2)] + b[len(b) // 2:])
        if MIN_CHARS <= len(text) <= MAX_CHARS and text.lower() not in seen:
            seen.add(text.lower())
            out.append(text[0].upper() + text[1:])
            made += 1
    return out, made


def write_table(n: int, pool, places: dict[str, list[str]], path: Path, seed: int,
                joined_share: float = 0.0) -> dict:
    """A table of rows of 1 to 8 bullets, `n` bullets in all, ateliers dealt in turn to the
    régions (`places`: région -> départements); returns what it holds."""
    texts, made = segment_texts(n, pool, seed, joined_share)
    rng = np.random.default_rng(seed + 1)
    rows, start = [], 0
    while start < n:
        k = int(min(rng.integers(1, 9), n - start))
        atelier = len(rows) // ROWS_PER_ATELIER
        territory = sorted(places)[atelier % len(places)]
        events = places[territory]
        event = events[(atelier // len(places)) % len(events)]
        rows.append({"id": f"s{n}-{len(rows):06d}", "territory": territory, "event": event,
                     "atelier": f"atelier-{atelier:05d}",
                     "text": "\n".join(f"- {t}" for t in texts[start:start + k])})
        start += k
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_parquet(path, index=False)
    return {"rows": len(rows), "pieces": n, "joined": made,
            "characters": sum(len(t) for t in texts)}


# -- a run -------------------------------------------------------------------------------------


class TreeMemory:
    """Peak of the summed RSS of every process below this one, sampled every `every` s."""

    def __init__(self, every: float = 0.5):
        import psutil

        self.me, self.every, self.peak = psutil.Process(), every, 0
        self.timeline: list[tuple[float, int]] = []  # (time.time(), summed RSS)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        import psutil

        while not self._stop.is_set():
            total = 0
            for p in self.me.children(recursive=True):
                try:
                    total += p.memory_info().rss
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    pass
            self.peak = max(self.peak, total)
            self.timeline.append((time.time(), total))
            self._stop.wait(self.every)

    def peaks(self, records: list[dict], started: float) -> dict[str, float]:
        """MiB at most during each stage of `records` (progress records: end time, seconds);
        "ingest" is from `started` to the first stage."""
        spans = [(r["name"], r["at"] - r["seconds"], r["at"]) for r in records
                 if r["kind"] == "stage" and "at" in r]
        if spans:
            spans.insert(0, ("ingest", started, min(a for _, a, _ in spans)))
        return {name: max((m for t, m in self.timeline if a <= t <= b), default=0) / 2**20
                for name, a, b in spans}

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def run_pipeline(table: Path, work: Path, runner: str, address: str | None) -> dict:
    """`corpus run` on `table` in a fresh store; its stage times and peak memory."""
    work.mkdir(parents=True, exist_ok=True)
    record = work / "progress.jsonl"
    record.unlink(missing_ok=True)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "CORPUS_PROGRESS": "log",
           "CORPUS_PROGRESS_RECORD": str(record), "PREFECT_HOME": str(work / "prefect-home"),
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT),
                                          os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    env.pop("PREFECT_API_URL", None)
    if runner == "dask":
        env.update(CORPUS_TASK_RUNNER="dask", CORPUS_DASK_ADDRESS=address or "")
    else:
        env.pop("CORPUS_TASK_RUNNER", None)
    cmd = [sys.executable, "-m", "corpus.cli", "run", str(table), "--text", "text", "--id", "id",
           "--territory", "territory", "--event", "event", "--atelier", "atelier",
           "--out", str(work / "out"), "--store", str(work / "corpus.duckdb"), "--json"]
    started, wall_start = time.perf_counter(), time.time()
    with TreeMemory() as memory, (work / "run.log").open("w", encoding="utf-8") as log:
        done = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=log,
                              text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        tail = (work / "run.log").read_text(encoding="utf-8")[-3000:]
        raise SystemExit(f"corpus run a échoué (code {done.returncode}) :\n{tail}")
    summary = json.loads((work / "out" / "run.json").read_text(encoding="utf-8"))
    records = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]
    return {"wall": wall, "peak_mib": memory.peak / 2**20, "summary": summary,
            "records": records, "out": work / "out", "store": work / "corpus.duckdb",
            "stage_peaks": memory.peaks(records, wall_start)}


def stage_times(result: dict) -> dict[str, float]:
    """Seconds per stage: ingest, orientation (e5 inside), themes (USE, labels inside), write,
    synthesis; `total` is the whole command, Python's and Prefect's start included."""
    timings = result["summary"]["timings_s"]
    stages = {r["name"]: r["seconds"] for r in result["records"] if r["kind"] == "stage"}
    tracks: dict[str, float] = {}
    counts: dict[str, int] = {}
    for r in result["records"]:
        if r["kind"] == "track":
            tracks[r["name"]] = tracks.get(r["name"], 0.0) + r["seconds"]
            counts[r["name"]] = counts.get(r["name"], 0) + r["done"]
    def track(prefix: str) -> float:
        found = [v for k, v in tracks.items() if k.startswith(prefix)]
        return sum(found) if found else math.nan

    e5 = next((k for k in tracks if k.startswith("orientation · plongements")), None)
    use = next((k for k in tracks if k.startswith("thèmes · plongements")), None)
    return {
        "ingest": timings["ingest"],
        "protect": track("pseudonymisation"),
        "store_write": track("écriture en base"),
        "orientation": stages.get("orientation", math.nan),
        "load_orient": track("orientation · chargement"),
        "embed_orient": tracks.get(e5, math.nan),
        "themes": stages.get("thèmes", math.nan),
        "load_themes": track("thèmes · chargement"),
        "embed_themes": tracks.get(use, math.nan),
        "umap": tracks.get("thèmes · réduction UMAP", math.nan),
        "hdbscan": tracks.get("thèmes · régions denses HDBSCAN", math.nan),
        "labels": tracks.get("thèmes · libellés et termes", math.nan),
        "write": timings["report"],
        "synthesis": timings["feedback"] + timings["synthesis"],
        "search": timings.get("search", 0.0),
        "reports": result["wall"] - timings.get("search", 0.0),
        "total": result["wall"],
        "_embedded_orient": counts.get(e5, 0),
        "_embedded_themes": counts.get(use, 0),
    }


def embedding_floor(result: dict, sample: int, seed: int) -> dict[str, float]:
    """Texts per second of each embedder on a sample of the run's own segments (the themes
    embedder on them as masked for it), outside the pipeline."""
    from corpus import embed, pipeline
    from corpus.config import Settings
    from corpus.store import Store

    settings = Settings()
    store = Store(result["store"])
    every = pd.read_parquet(result["out"] / "segments.parquet", columns=["doc_id", "text"])
    segs = every.sample(sample, random_state=seed) if sample and sample < len(every) else every
    texts = segs["text"].astype(str).tolist()
    frames = store.texts.manifests(segs["doc_id"].unique().tolist())
    masked, _ = pipeline.masked_texts(texts, pipeline.place_names(frames), settings)
    # e5 embeds only the segments the lexical model is unsure of: its floor is taken on those
    # (they are not the average segment: longer, or harder).
    e5 = embed.load_embedder(settings.embedder_orient)
    keys = [embed.text_hash(t) for t in every["text"].astype(str)]
    held = store.vectors.get(e5.fingerprint, keys)
    unsure = every[[k in held for k in keys]]
    unsure = unsure.sample(min(sample or len(unsure), len(unsure)), random_state=seed)
    out = {"floor_texts": len(texts), "floor_texts_e5": len(unsure)}
    for key, name, batch in (("e5", settings.embedder_orient,
                              unsure["text"].astype(str).tolist() or texts),
                             ("use", settings.embedder_themes, masked)):
        embedder = embed.load_embedder(name)
        embedder.encode(batch[:64])  # loaded and warm
        seconds = []
        for _ in range(2):  # the faster of two passes: a first pass ran at half speed
            t0 = time.perf_counter()
            embedder.encode(batch)
            seconds.append(time.perf_counter() - t0)
        out[key] = len(batch) / min(seconds)
    return out


def same_outputs(a: Path, b: Path) -> list[str]:
    """Differences between two runs' outputs (none: []): themes.json, every column of
    segments.parquet (texts, pseudonyms and scores included), and the reports' bytes."""
    diffs = []
    ta, tb = (json.loads((p / "themes.json").read_text(encoding="utf-8")) for p in (a, b))
    ka = [(t["theme_id"], t["size"], t["label"]) for t in ta]
    kb = [(t["theme_id"], t["size"], t["label"]) for t in tb]
    if ka != kb:
        diffs.append(f"themes.json : {len(ka)} contre {len(kb)} thèmes, "
                     f"{len(set(ka) ^ set(kb))} entrées différentes")
    sa, sb = (pd.read_parquet(p / "segments.parquet").sort_values("segment_id")
              .reset_index(drop=True) for p in (a, b))
    if list(sa["segment_id"]) != list(sb["segment_id"]):
        diffs.append(f"segments.parquet : {len(sa)} contre {len(sb)} segments")
    else:
        for col in sa.columns.drop("segment_id"):
            x, y = sa[col], sb[col] if col in sb else pd.Series(index=sb.index, dtype=object)
            n = int((x.isna() != y.isna()).sum() + ((x != y) & x.notna() & y.notna()).sum())
            if n:
                diffs.append(f"segments.parquet : {n} {col} différents")
    for name in ("synthese.md", "problematiques.json", "problematiques.md", "themes.json"):
        if (a / name).exists() and (a / name).read_bytes() != (b / name).read_bytes():
            diffs.append(f"{name} : contenus différents")
    return diffs


def measure(table: Path, work: Path, runner: str, address: str | None, args) -> dict:
    """One run and its figures, kept in `work`/result.json. With `--resume`, a run already
    kept there is read back, not run again (a run kept without result.json: its stage times
    and floor are taken from its files, its wall time and memory are unknown)."""
    kept = work / "result.json"
    if args.resume and kept.exists():
        row = json.loads(kept.read_text(encoding="utf-8"))
        print(f"  {runner} : repris de {kept}", flush=True)
        if args.refloor:  # the floor again, e.g. on a machine quieter than it was
            row["floor"] = embedding_floor({"out": work / "out", "store": work / "corpus.duckdb"},
                                           args.floor_sample, args.seed)
            kept.write_text(json.dumps(row, indent=2), encoding="utf-8")
        return {**row, "out": Path(row["out"])}
    if args.resume and (work / "out" / "run.json").exists():
        result = {"wall": math.nan, "peak_mib": math.nan, "out": work / "out",
                  "store": work / "corpus.duckdb",
                  "summary": json.loads((work / "out" / "run.json").read_text(encoding="utf-8")),
                  "records": [json.loads(line) for line in
                              (work / "progress.jsonl").read_text(encoding="utf-8").splitlines()]}
        print(f"  {runner} : repris de {work} (durée totale et mémoire inconnues)", flush=True)
    else:
        print(f"  run {runner}… (charge de la machine : {os.getloadavg()[0]:.1f})", flush=True)
        result = run_pipeline(table, work, runner, address)
    times = stage_times(result)
    floor = embedding_floor(result, args.floor_sample, args.seed)
    segments = result["summary"]["counts"]["segments"]
    row = {"label": f"{segments:,} {runner}", "runner": runner, "segments": segments,
           "times": times, "floor": floor, "peak_mib": result["peak_mib"],
           "stage_peaks": result.get("stage_peaks", {}),
           "themes": result["summary"]["counts"]["themes"], "out": str(result["out"]),
           "load_15min": os.getloadavg()[2]}
    kept.write_text(json.dumps(row, indent=2), encoding="utf-8")
    print(f"  {runner} : {times['total']:.0f} s, {result['peak_mib']:,.0f} Mio au plus, "
          f"{row['themes']} thèmes ; charge moyenne sur 15 min à la fin : "
          f"{row['load_15min']:.1f} pour {os.cpu_count()} cœurs", flush=True)
    if row["stage_peaks"]:
        print("  mémoire max par étape (Mio) : " + ", ".join(
            f"{name} {mib:,.0f}" for name, mib in row["stage_peaks"].items()), flush=True)
    return {**row, "out": Path(row["out"])}


# -- report ------------------------------------------------------------------------------------

COLUMNS = [("ingest", "ingest"), ("protect", "  dont pseudonymes"),
           ("store_write", "  dont écriture"), ("orientation", "orientation"),
           ("load_orient", "  dont charger e5"), ("embed_orient", "  dont e5"),
           ("themes", "thèmes"), ("load_themes", "  dont charger USE"),
           ("embed_themes", "  dont USE"), ("umap", "  dont UMAP"),
           ("hdbscan", "  dont HDBSCAN"), ("labels", "  dont libellés"),
           ("write", "tables"), ("synthesis", "synthèse"), ("search", "recherche"),
           ("reports", "rapports écrits"), ("total", "commande entière")]


def print_table(rows: list[dict]) -> None:
    head = f"{'étape (s)':<18}" + "".join(f"{r['label']:>14}" for r in rows)
    print(head)
    print("-" * len(head))
    for key, name in COLUMNS:
        print(f"{name:<18}" + "".join(f"{r['times'].get(key, math.nan):>14.1f}" for r in rows))
    print(f"{'segments':<18}" + "".join(f"{r['segments']:>14,}" for r in rows))
    print(f"{'mémoire max (Mio)':<18}" + "".join(f"{r['peak_mib']:>14,.0f}" for r in rows))
    for key, name in (("orient", "e5"), ("themes", "USE")):
        rates = [r["times"][f"_embedded_{key}"] / r["times"][f"embed_{key}"] for r in rows]
        floors = [r["floor"]["e5" if key == "orient" else "use"] for r in rows]
        print(f"{name + ' textes/s':<18}" + "".join(f"{v:>14.1f}" for v in rates))
        print(f"{name + ' plancher/s':<18}" + "".join(f"{v:>14.1f}" for v in floors))
        print(f"{name + ' temps/plancher':<18}" + "".join(f"{f / v:>14.2f}"
                                                         for v, f in zip(rates, floors,
                                                                         strict=True)))


def print_exponents(rows: list[dict]) -> None:
    """time ~ n^a between consecutive sizes of the thread runs; > 1.15 is called superlinear."""
    runs = sorted((r for r in rows if r["runner"] == "thread"), key=lambda r: r["segments"])
    if len(runs) < 2:
        print("exposants : il faut au moins deux tailles.")
        return
    print("\nexposant a (temps ~ n^a)")
    pairs = list(zip(runs, runs[1:], strict=False))
    spans = [f"{a['segments']}->{b['segments']}" for a, b in pairs]
    print(f"{'étape':<18}" + "".join(f"{span:>16}" for span in spans))
    for key, name in COLUMNS:
        cells, flag = [], False
        for a, b in pairs:
            ta, tb = a["times"].get(key, math.nan), b["times"].get(key, math.nan)
            e = (math.log(tb / ta) / math.log(b["segments"] / a["segments"])
                 if ta > 0 and tb > 0 else math.nan)
            flag |= e > 1.15
            cells.append(f"{e:>16.2f}")
        print(f"{name:<18}" + "".join(cells) + ("   plus que linéaire" if flag else ""))


# -- main --------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,30000,100000")
    parser.add_argument("--runner", choices=["thread", "dask"], default="thread")
    parser.add_argument("--compare-dask", default="30000",
                        help="tailles relancées avec CORPUS_TASK_RUNNER=dask et comparées")
    parser.add_argument("--floor-sample", type=int, default=1000,
                        help="segments sur lesquels mesurer le plancher (0 : tous)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", type=Path, default=None,
                        help="garder tables, bases et sorties dans ce dossier")
    parser.add_argument("--resume", action="store_true",
                        help="avec --keep : reprendre les runs déjà gardés au lieu de les refaire")
    parser.add_argument("--refloor", action="store_true",
                        help="avec --resume : mesurer à nouveau le plancher des runs repris")
    parser.add_argument("--real-first", action="store_true",
                        help="les morceaux réels d'abord, les moitiés jointes seulement au-delà "
                             "(tables des relevés d'avant le 07/12/2026 au soir)")
    args = parser.parse_args()
    for path in (UNITS, REPORTS, ANSWERS):
        if not path.exists():
            print(f"{path} absent : ce banc lit les données partagées.", file=sys.stderr)
            return 1
    if args.resume and args.keep is None:
        parser.error("--resume demande --keep DIR")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    compare = {int(s) for s in args.compare_dask.split(",") if s.strip()}
    work = args.keep or Path(tempfile.mkdtemp(prefix="corpus-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    texts = source_texts()
    pool = pieces(texts)
    units = pd.read_csv(UNITS, dtype=str).fillna("")
    places = {r: sorted(set(g)) for r, g in units.groupby("region")["departement"]}
    # The same mix of real pieces and joined halves at every size: the largest size's.
    joined_share = 0.0 if args.real_first else max(0.0, 1 - len(pool) / max(sizes))
    print(f"{len(texts):,} textes réels, {len(pool):,} morceaux différents "
          f"({MIN_CHARS} à {MAX_CHARS} caractères), {joined_share:.0%} de moitiés jointes à "
          f"chaque taille ; dossier de travail {work}", flush=True)
    cluster = None
    rows = []
    try:
        for n in sizes:
            table = work / f"n{n}" / "table.parquet"
            made = write_table(n, pool, places, table, args.seed, joined_share)
            print(f"\n{n:,} segments : {made['rows']:,} lignes, {made['joined']:,} morceaux "
                  f"faits de deux moitiés, {made['characters'] / n:.0f} caractères en moyenne",
                  flush=True)
            runners = [args.runner] + (["dask"] if n in compare and args.runner != "dask" else [])
            for runner in runners:
                address = None
                if runner == "dask":
                    if cluster is None:
                        from dask.distributed import LocalCluster

                        cluster = LocalCluster(n_workers=2, threads_per_worker=1,
                                               dashboard_address=None)
                    address = cluster.scheduler_address
                rows.append(measure(table, work / f"n{n}" / runner, runner, address, args))
            print_table(rows)
            if len(runners) == 2:
                diffs = same_outputs(rows[-2]["out"], rows[-1]["out"])
                print("  thread et dask : " + ("sorties identiques (themes.json, toutes les "
                                              "colonnes de segments.parquet, synthèse et "
                                              "problématiques)" if not diffs
                                              else "; ".join(diffs)), flush=True)
    finally:
        if cluster is not None:
            cluster.close()
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print_table(rows)
    print_exponents(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
