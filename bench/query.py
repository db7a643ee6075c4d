"""Query speed at 100,000 segments: the Python API, the explorer, a cold `corpus query`.

    .venv/bin/python bench/query.py                  # 100,000 segments
    .venv/bin/python bench/query.py --segments 20000 --queries 10

The store is built from real French texts: the Grand Débat meeting reports of
`../shared/data/granddebat_reunions/units.csv`, cut into sentences (the first `--base`
unique ones, embedded once with the query embedder, `Settings.embedder_query`, and cached
under /tmp/corpus-bench-query/). To reach
100,000 segments each sentence is repeated in several territories, events and ateliers, its
text varied by a short prefix ("Groupe 7 : ..."), so that every segment has its own text and
text hash. Only query speed is measured here, not analysis: the store is written directly
(segments, documents, events, a theme registry, orientations from the table's `kind`, themes
from its first `themes` label), and a variant's vector is its sentence's vector plus a small
seeded noise, written straight into the embedding cache under its fingerprint, instead of
running the pipeline (which would take hours on 2 cores). The built store is cached too.

Printed side by side: a warm API query and a warm `/api/search` over HTTP (median and 95th
percentile over `--queries` questions), a cold `corpus query` process, the explorer's start and
its first page with the map (the requests the page makes, one after the other), and the store's
size on disk.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
UNITS = ROOT.parent / "shared" / "data" / "granddebat_reunions" / "units.csv"
CACHE = Path("/tmp/corpus-bench-query")
QUESTIONS = [
    "les services publics ferment dans les petites communes",
    "trop d'impôts pour les classes moyennes",
    "développer les transports en commun à la campagne",
    "le référendum d'initiative citoyenne",
    "la rénovation énergétique des logements",
    "réduire le nombre de parlementaires",
    "les déserts médicaux",
    "la taxe sur les carburants",
    "écouter davantage les maires",
    "le coût de l'énergie pour les ménages",
    "supprimer des niveaux administratifs",
    "l'évasion fiscale des grandes entreprises",
    "le vote blanc",
    "le recyclage des déchets",
    "la fermeture des bureaux de poste",
    "la limitation de vitesse à 80 km/h",
    "la justice fiscale",
    "l'accès au numérique des personnes âgées",
    "les retraites trop faibles",
    "la place des citoyens dans les décisions",
]
KINDS = {"difficulte_constat": "difficulte", "levier_proposition": "levier"}
SENTENCE = re.compile(r"(?<=[.!?;])\s+")


def base_sentences(n: int) -> tuple[list[str], list[str], list[str]]:
    """(texts, orientations, themes) of the first `n` unique sentences of 30-400 characters."""
    import pandas as pd

    frame = pd.read_csv(UNITS)
    texts, orient, themes, seen = [], [], [], set()
    for text, kind, labels in zip(frame["text"], frame["kind"], frame["themes"], strict=True):
        for sentence in SENTENCE.split(str(text)):
            sentence = " ".join(sentence.split())
            if 30 <= len(sentence) <= 400 and sentence not in seen:
                seen.add(sentence)
                texts.append(sentence)
                orient.append(KINDS.get(kind, "autre"))
                themes.append(str(labels).split("|")[0])
                if len(texts) == n:
                    return texts, orient, themes
    return texts, orient, themes


def base_vectors(texts: list[str]) -> tuple[np.ndarray, str]:
    """The query embedder's vectors of the base sentences (cached) and its fingerprint."""
    from corpus.embed.fast import load_query_embedder

    embedder = load_query_embedder()
    path = CACHE / f"base-{len(texts)}-{embedder.fingerprint}.npy"
    if path.exists():
        return np.load(path), embedder.fingerprint
    start = time.perf_counter()
    vectors = embedder.encode(texts)
    print(f"  {len(texts)} phrases plongées en {time.perf_counter() - start:.0f} s "
          f"({type(embedder).__name__})", flush=True)
    np.save(path, vectors)
    return vectors, embedder.fingerprint


def build_store(path: Path, n_segments: int, n_base: int, seed: int = 0) -> None:
    """Write a store of `n_segments` segments directly (see the module's docstring)."""
    import duckdb
    import pandas as pd
    import pyarrow as pa

    from corpus.embed import text_hash
    from corpus.store import Store

    texts, orient, themes, = base_sentences(n_base)
    vectors, fingerprint = base_vectors(texts)
    rng = np.random.default_rng(seed)
    theme_ids = {t: f"T{i + 1:03d}" for i, t in enumerate(sorted(set(themes)))}
    labels = {v: k.replace("_", " ").capitalize() for k, v in theme_ids.items()}
    groups = {tid: f"G{1 + i % 2:02d}" for i, tid in enumerate(sorted(labels))}
    territories = [f"territoire-{i:02d}" for i in range(10)]
    n_events, n_ateliers = 5, 20
    per_doc = max(1, n_segments // (len(territories) * n_events * n_ateliers))
    rows, vecs = [], []
    for i in range(n_segments):
        b = i % len(texts)
        doc = i // per_doc
        territory = territories[doc % len(territories)]
        event = f"{territory}/{2022 + (doc // len(territories)) % n_events}-journee"
        atelier = f"a{(doc // (len(territories) * n_events)) % n_ateliers + 1:02d}"
        text = f"Groupe {i // len(texts) + 1} : {texts[b]}"
        tid = theme_ids[themes[b]]
        rows.append((f"{event}/{atelier}#{i:06d}", f"{event}/{atelier}", territory, event,
                     atelier, i % per_doc, text, text.lower(), orient[b], tid, labels[tid],
                     groups[tid], text_hash(text)))
        vecs.append(b)
    seg = pd.DataFrame(rows, columns=[
        "segment_id", "doc_id", "territory_id", "event_id", "atelier_id", "position", "text",
        "lemmas", "orientation", "theme_id", "theme_label", "group_id", "text_hash"])
    noisy = vectors[vecs] + rng.normal(0, 0.01, (n_segments, vectors.shape[1])).astype(
        np.float32)
    noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
    flat = pa.array(noisy.astype(np.float32).ravel())
    offsets = pa.array(np.arange(0, noisy.size + 1, noisy.shape[1], dtype=np.int32))
    emb = pa.table({"text_hash": seg["text_hash"].tolist(),
                    "vector": pa.ListArray.from_arrays(offsets, flat)})
    docs = seg.groupby("doc_id", as_index=False).agg(
        territory_id=("territory_id", "first"), event_id=("event_id", "first"),
        atelier_id=("atelier_id", "first"), n_segments=("segment_id", "size"))
    events = docs.groupby("event_id", as_index=False).agg(territory_id=("territory_id", "first"))
    events["date"] = pd.to_datetime(events["event_id"].str.extract(r"/(\d{4})")[0] + "-06-01")
    import json

    registry = pd.DataFrame([{
        "theme_id": tid, "label": label, "fingerprint": fingerprint,
        "payload": json.dumps({"theme_id": tid, "label": label, "terms": label.lower().split(),
                               "group_id": groups[tid], "group_label": f"Groupe {groups[tid]}",
                               "size": int((seg["theme_id"] == tid).sum())},
                              ensure_ascii=False)} for tid, label in labels.items()])
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    Store(tmp)  # the schema
    con = duckdb.connect(str(tmp))
    for name, frame in (("seg", seg), ("docs", docs), ("ev", events), ("reg", registry),
                        ("emb", emb)):
        con.register(name, frame)
    con.execute("INSERT INTO segments BY NAME SELECT * EXCLUDE (text_hash) FROM seg")
    con.execute("INSERT INTO documents BY NAME SELECT *, 'md' AS format, doc_id AS source, "
                "doc_id AS content_hash, now() AS ingested_at FROM docs")
    con.execute("INSERT INTO events BY NAME SELECT *, event_id AS name FROM ev")
    con.execute("INSERT INTO territories SELECT DISTINCT territory_id, territory_id, 'urbain' "
                "FROM docs")
    con.execute("INSERT INTO themes BY NAME SELECT theme_id, label, fingerprint, "
                "CAST(payload AS JSON) AS payload FROM reg")
    con.execute(f"INSERT INTO embeddings SELECT '{fingerprint}', text_hash, "
                "CAST(vector AS FLOAT[]) FROM emb")
    con.execute("INSERT INTO runs (run_id, started_at, finished_at, status) "
                "VALUES ('bench', now(), now(), 'ok')")
    con.execute("CHECKPOINT")
    con.close()
    tmp.rename(path)


def stats(seconds: list[float], cpu: list[float] | None = None) -> str:
    ms = sorted(1000 * s for s in seconds)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    out = f"médiane {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms"
    if cpu:
        out += f"   (CPU : médiane {1000 * statistics.median(cpu):6.1f} ms)"
    return out


def child_cpu() -> float:
    """CPU seconds used so far by this process's finished children."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def proc_cpu(pid: int) -> float:
    """CPU seconds used so far by a running process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cache_mb(store: Path) -> float:
    folder = store.with_name(store.name + ".vectors")
    return sum(p.stat().st_size for p in folder.glob("*")) / 1e6 if folder.is_dir() else 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def explore(store: Path, env: dict, questions: list[str]):
    """Start `corpus explore`; time its start, its first page and map (the requests the page
    makes, one after the other), the same again warm, and warm searches."""
    import httpx

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "corpus.cli", "explore", "--store",
                               str(store), "--port", str(port)], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with httpx.Client(timeout=300) as client:
            while True:
                try:
                    if client.get(base + "/api/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.05)
            up = time.perf_counter() - started
            page = ["/", "/static/app.css", "/static/app.js", "/api/facets", "/api/map",
                    "/api/segments?limit=50"]
            timings, cpu_used = [], []
            for _ in range(2):
                start, cpu = time.perf_counter(), proc_cpu(server.pid)
                for path in page:
                    client.get(base + path).raise_for_status()
                timings.append(time.perf_counter() - start)
                cpu_used.append(proc_cpu(server.pid) - cpu)
            client.get(base + "/api/search", params={"q": questions[0]}).raise_for_status()
            http, http_cpu = [], []
            for q in questions:
                start, cpu = time.perf_counter(), proc_cpu(server.pid)
                client.get(base + "/api/search", params={"q": q, "limit": 10}).raise_for_status()
                http.append(time.perf_counter() - start)
                http_cpu.append(proc_cpu(server.pid) - cpu)
            shown = client.get(base + "/api/map").json()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return up, timings, cpu_used, (http, http_cpu), shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--segments", type=int, default=100_000)
    parser.add_argument("--base", type=int, default=2000, help="phrases réelles distinctes")
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument("--cold-runs", type=int, default=3)
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}", "HF_HUB_OFFLINE": "1"}
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    store = CACHE / f"store-{args.segments}-{args.base}-v1.duckdb"
    if not store.exists():
        print(f"Construction de la base ({args.segments} segments) ...", flush=True)
        start = time.perf_counter()
        build_store(store, args.segments, args.base)
        print(f"  base écrite en {time.perf_counter() - start:.0f} s", flush=True)
    questions = (QUESTIONS * (1 + args.queries // len(QUESTIONS)))[:args.queries]
    figures: list[tuple[str, str]] = []

    # a cold `corpus query` process, first (nothing of this process is warm yet); the first
    # process after a run also writes the cache beside the store: timed apart
    import shutil

    shutil.rmtree(store.with_name(store.name + ".vectors"), ignore_errors=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "corpus.cli", "query", questions[-1], "--store",
                    str(store), "--json"], env=env, check=True, capture_output=True, cwd=ROOT)
    figures.append(("`corpus query`, 1er processus après un run (écrit le cache)",
                    f"{time.perf_counter() - start:5.2f} s"))
    cold, cold_cpu = [], []
    for q in questions[:args.cold_runs]:
        start, cpu = time.perf_counter(), child_cpu()
        subprocess.run([sys.executable, "-m", "corpus.cli", "query", q, "--store", str(store),
                        "--json"], env=env, check=True, capture_output=True, cwd=ROOT)
        cold.append(time.perf_counter() - start)
        cold_cpu.append(child_cpu() - cpu)
    figures.append(("`corpus query` à froid (processus, cache présent)",
                    f"médiane {statistics.median(cold):5.2f} s (sur {len(cold)}), "
                    f"CPU {statistics.median(cold_cpu):5.2f} s"))

    # the API in this process
    import corpus

    start = time.perf_counter()
    api = corpus.open(store)
    api.query(questions[0], limit=10)
    first = time.perf_counter() - start
    warm, warm_cpu, filtered, filtered_cpu = [], [], [], []
    for q in questions:
        start, cpu = time.perf_counter(), time.process_time()
        api.query(q, territory=None, limit=10)
        warm.append(time.perf_counter() - start)
        warm_cpu.append(time.process_time() - cpu)
    for q in questions:
        start, cpu = time.perf_counter(), time.process_time()
        api.query(q, territory="territoire-03", orientation="difficulte", limit=10)
        filtered.append(time.perf_counter() - start)
        filtered_cpu.append(time.process_time() - cpu)
    figures += [("API : première requête (ouverture, chargement)", f"{first:5.2f} s"),
                ("API : requête à chaud", stats(warm, warm_cpu)),
                ("API : requête à chaud, 2 filtres", stats(filtered, filtered_cpu))]

    # the explorer in its own process, as `corpus explore` runs it: first without the map's
    # projection (the first start after a run computes it), then with it cached in the store
    import duckdb

    with duckdb.connect(str(store)) as con:
        con.execute("DROP TABLE IF EXISTS projection")
    for label in ("1er démarrage", "2e démarrage"):
        up, pages, cpu_used, http, shown = explore(store, env, questions)
        figures += [
            (f"explorateur, {label} : jusqu'à /api/health", f"{up:5.2f} s"),
            (f"explorateur, {label} : première page et carte", f"{pages[0]:5.2f} s "
             f"(CPU du serveur {cpu_used[0]:4.2f} s ; {shown['shown']} points dessinés sur "
             f"{shown['total']})"),
        ]
    figures += [
        ("explorateur : page et carte, à chaud", f"{pages[1]:5.2f} s "
         f"(CPU du serveur {cpu_used[1]:4.2f} s)"),
        ("GET /api/search à chaud", stats(*http)),
        ("taille de la base", f"{store.stat().st_size / 1e6:6.0f} Mo "
         f"({args.segments} segments, vecteurs e5 384 dimensions)"),
        ("cache à côté de la base (<base>.vectors/)", f"{cache_mb(store):6.0f} Mo"),
    ]
    print(f"\n{args.segments} segments, {len(questions)} questions, "
          f"{os.cpu_count()} cœurs, charge {os.getloadavg()[0]:.1f}")
    width = max(len(k) for k, _ in figures)
    for key, value in figures:
        print(f"  {key:<{width}}  {value}")


if __name__ == "__main__":
    main()
