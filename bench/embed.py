"""Embedding benchmark on real French texts: speed, peak memory, cache speed-up (and ONNX int8).

    .venv/bin/python bench/embed.py                 # e5-small and use-multilingual, 1,000 texts
    .venv/bin/python bench/embed.py --onnx          # also e5 through ONNX Runtime, int8 weights
    .venv/bin/python bench/embed.py --max-chars 0   # texts of any length (much slower for e5)
    .venv/bin/python bench/embed.py --threads 2     # compute threads per embedder (default: auto)

Texts are a seeded sample of `../shared/data/granddebat_reunions/units.csv` (column `text`),
by default those of at most 600 characters (a segment: a few sentences). Each embedder runs in
its own process, so that its load time and peak memory are its own. Speeds are given per
second of wall time and per second of this process's CPU time: on a machine shared with other
work, the second says what the embedder costs, the first what a user waits.

Two figures were once test bounds and are printed here instead: how long `ensure_models` takes
to find `models/` current (what every run pays before embedding; under a second), and the
cached second pass ("relance en cache"; under 2 s for a few segments).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
UNITS = ROOT.parent / "shared" / "data" / "granddebat_reunions" / "units.csv"
ONNX_NAME = "e5-small-onnx-int8"


def load_texts(path: Path, n: int, max_chars: int, seed: int) -> list[str]:
    import pandas as pd

    frame = pd.read_csv(path)
    texts = frame["text"].dropna().astype(str)
    if max_chars:
        texts = texts[texts.str.len() <= max_chars]
    return texts.sample(min(n, len(texts)), random_state=seed).tolist()


def peak_mb() -> float:
    """Peak resident memory of this process (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024


# -- workers (one process each) ----------------------------------------------------------------


def run_embedder(
    name: str, texts: list[str], vectors_out: Path | None, threads: int | None
) -> dict:
    from corpus.embed import embed_cached, load_embedder, text_hash
    from corpus.store import Store

    started = time.perf_counter()
    emb = load_embedder(name, threads=threads)
    emb.encode(["Échauffement : le modèle se charge."])
    load_s = time.perf_counter() - started

    started, cpu = time.perf_counter(), time.process_time()
    rows = emb.encode(texts)
    encode_s, cpu_s = time.perf_counter() - started, time.process_time() - cpu
    if vectors_out is not None:
        np.save(vectors_out, rows)

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.duckdb")
        started = time.perf_counter()
        vectors = {text_hash(t): r for t, r in zip(texts, rows, strict=True)}
        store.vectors.put(emb.fingerprint, vectors)
        put_s = time.perf_counter() - started
        stats: dict[str, int] = {}
        started = time.perf_counter()
        cached = embed_cached(emb, texts, store, stats=stats)
        cached_s = time.perf_counter() - started
    assert stats["computed"] == 0, stats
    assert np.allclose(cached, rows, atol=1e-5)
    return {
        "name": name,
        "n": len(texts),
        "dim": int(rows.shape[1]),
        "load_s": load_s,
        "threads": getattr(emb, "threads", None),
        "encode_s": encode_s,
        "texts_per_s": len(texts) / encode_s,
        "texts_per_cpu_s": len(texts) / cpu_s,
        "store_put_s": put_s,
        "cached_s": cached_s,
        "cached_speedup": encode_s / cached_s,
        "peak_mb": peak_mb(),
    }


def export_onnx(folder: Path, out_dir: Path) -> Path:
    """e5 (fp32 BertModel) -> ONNX -> int8 dynamic quantisation (per channel). Returns the int8."""
    int8 = out_dir / "model-int8.onnx"
    if int8.is_file():
        return int8
    try:
        import onnx  # noqa: F401  (needed by torch.onnx.export and quantize_dynamic)
    except ImportError as exc:
        raise SystemExit("--onnx demande le paquet onnx : pip install 'onnx>=1.16'") from exc
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    out_dir.mkdir(parents=True, exist_ok=True)
    fp32 = out_dir / "model.onnx"
    model = AutoModel.from_pretrained(str(folder), attn_implementation="eager").eval()

    class LastHidden(torch.nn.Module):
        def __init__(self, bert: torch.nn.Module):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    ids = torch.tensor([[0, 41, 1294, 12, 2, 1], [0, 41, 1294, 12, 5, 2]])
    mask = (ids != 1).long()
    axes = {0: "batch", 1: "tokens"}
    torch.onnx.export(
        LastHidden(model),
        (ids, mask),
        str(fp32),
        input_names=["input_ids", "attention_mask"],
        output_names=["last_hidden_state"],
        opset_version=17,
        dynamo=False,
        dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
    )
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
    fp32.unlink()
    return int8


class OnnxE5:
    """e5-small through ONNX Runtime: same tokenizer, prompt, mean pooling and normalisation."""

    def __init__(self, folder: Path, onnx_path: Path, *, threads: int, batch_size: int = 32):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(512)
        self.tokenizer.enable_padding(pad_id=1, pad_token="<pad>")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(
            str(onnx_path), options, providers=["CPUExecutionProvider"]
        )
        self.batch_size = batch_size
        self.dim = 384

    def _batch(self, batch: list[str]) -> np.ndarray:
        enc = self.tokenizer.encode_batch(["query: " + t for t in batch])
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        (hidden,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
        summed = (hidden * mask[:, :, None]).sum(axis=1)
        return summed / mask.sum(axis=1, keepdims=True)

    def encode(self, texts: list[str]) -> np.ndarray:
        from corpus.embed import encode_by_length

        return encode_by_length(texts, self._batch, dim=self.dim, batch_size=self.batch_size)


def run_onnx(texts: list[str], reference: Path, threads: int | None) -> dict:
    from corpus.config import Settings
    from corpus.embed import default_threads
    from corpus.embed.provision import E5_NAME, ensure_models

    models_dir = Settings().models_dir
    ensure_models(models_dir, names=[E5_NAME])
    started = time.perf_counter()
    onnx_path = export_onnx(models_dir / E5_NAME, models_dir / "e5-small-onnx")
    export_s = time.perf_counter() - started
    started = time.perf_counter()
    threads = threads or default_threads()
    emb = OnnxE5(models_dir / E5_NAME, onnx_path, threads=threads)
    emb.encode(["Échauffement : le modèle se charge."])
    load_s = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    rows = emb.encode(texts)
    encode_s, cpu_s = time.perf_counter() - started, time.process_time() - cpu
    ref = np.load(reference)
    cos = np.sum(rows * ref, axis=1)
    return {
        "name": ONNX_NAME,
        "n": len(texts),
        "dim": 384,
        "export_s": export_s,
        "load_s": load_s,
        "threads": threads,
        "encode_s": encode_s,
        "texts_per_s": len(texts) / encode_s,
        "texts_per_cpu_s": len(texts) / cpu_s,
        "peak_mb": peak_mb(),
        "cosine_mean": float(cos.mean()),
        "cosine_min": float(cos.min()),
        "onnx_mb": onnx_path.stat().st_size / 1e6,
    }


def time_models_check() -> float:
    """Seconds `ensure_models` takes on current folders (building them first if needed)."""
    from corpus.embed.provision import ensure_models

    ensure_models()
    started = time.perf_counter()
    results = ensure_models()
    seconds = time.perf_counter() - started
    assert not any(r["built"] for r in results.values()), results
    return seconds


# -- driver ------------------------------------------------------------------------------------


def worker(args: argparse.Namespace) -> None:
    texts = load_texts(args.data, args.n, args.max_chars, args.seed)
    if args.worker == ONNX_NAME:
        result = run_onnx(texts, Path(args.vectors), args.threads)
    else:
        vectors = Path(args.vectors) if args.vectors else None
        result = run_embedder(args.worker, texts, vectors, args.threads)
    print("RESULT " + json.dumps(result))


def spawn(args: argparse.Namespace, name: str, vectors: Path | None) -> dict:
    cmd = [
        sys.executable,
        __file__,
        "--worker",
        name,
        "--n",
        str(args.n),
        "--max-chars",
        str(args.max_chars),
        "--seed",
        str(args.seed),
        "--data",
        str(args.data),
    ]
    if vectors is not None:
        cmd += ["--vectors", str(vectors)]
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode or not lines:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"échec du banc pour {name} (code {proc.returncode})")
    return json.loads(lines[-1][len("RESULT ") :])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default="e5-small,use-multilingual")
    parser.add_argument("--onnx", action="store_true", help="also e5 with ONNX Runtime int8")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--max-chars", type=int, default=600, help="0: any length")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=None, help="default: default_threads()")
    parser.add_argument("--data", type=Path, default=UNITS)
    parser.add_argument("--json", action="store_true", help="print the results as JSON only")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--vectors", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return

    texts = load_texts(args.data, args.n, args.max_chars, args.seed)
    lengths = np.array([len(t) for t in texts])
    load1 = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    header = (
        f"{len(texts)} textes (<= {args.max_chars or 'inf'} car., moyenne "
        f"{lengths.mean():.0f}, médiane {np.median(lengths):.0f}); {os.cpu_count()} cœurs; "
        f"charge {load1:.1f}; Python {platform.python_version()}"
    )
    models_check_s = time_models_check()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        e5_vectors = Path(tmp) / "e5.npy"
        for name in [m for m in args.models.split(",") if m]:
            results.append(spawn(args, name, e5_vectors if name == "e5-small" else None))
        if args.onnx:
            if not e5_vectors.is_file():
                results.append(spawn(args, "e5-small", e5_vectors))
            results.append(spawn(args, ONNX_NAME, e5_vectors))
    if args.json:
        payload = {"setup": header, "models_check_s": models_check_s, "results": results}
        print(json.dumps(payload, indent=1))
        return
    print(header)
    print(f"vérification de models/ (déjà à jour) : {models_check_s * 1000:.0f} ms")
    print(
        f"{'modèle':<20}{'threads':>8}{'chargement':>11}{'textes/s':>10}{'/s CPU':>8}"
        f"{'mémoire max':>13}{'relance en cache':>18}{'accélération':>14}"
    )
    for r in results:
        cached = f"{r['cached_s'] * 1000:.0f} ms" if "cached_s" in r else "-"
        speedup = f"x{r['cached_speedup']:.0f}" if "cached_speedup" in r else "-"
        print(
            f"{r['name']:<20}{r['threads']:>8}{r['load_s']:>10.1f}s{r['texts_per_s']:>10.1f}"
            f"{r['texts_per_cpu_s']:>8.1f}{r['peak_mb']:>10.0f} Mo{cached:>18}{speedup:>14}"
        )
    by_name = {r["name"]: r for r in results}
    if ONNX_NAME in by_name and "e5-small" in by_name:
        onnx, e5 = by_name[ONNX_NAME], by_name["e5-small"]
        ratio = onnx["texts_per_s"] / e5["texts_per_s"]
        cpu_ratio = onnx["texts_per_cpu_s"] / e5["texts_per_cpu_s"]
        keep = min(ratio, cpu_ratio) >= 2 and onnx["cosine_mean"] >= 0.99
        verdict = "à garder" if keep else "non retenu"
        print(
            f"ONNX int8 / e5 fp32 : x{ratio:.2f} (temps réel), x{cpu_ratio:.2f} (temps CPU) ; "
            f"cosinus moyen {onnx['cosine_mean']:.4f} (min {onnx['cosine_min']:.4f}) ; "
            f"{onnx['onnx_mb']:.0f} Mo ; export {onnx['export_s']:.0f} s -> {verdict} "
            "(critère : >= x2 et cosinus moyen >= 0,99)"
        )


if __name__ == "__main__":
    main()
