#!/usr/bin/env python
"""Time the fusion metrics on the 100 MSRS test pairs: each registered metric alone (the paper's five EN, AG, SD, SCD,
VIF and the wider set QABF, NABF, MI, SF, CC, PSNR, SSIM, MS_SSIM), the five together and all of them together through
`fusion_metrics`; and, for the five, `text_difuse.metrics` against a naive baseline measured in the same run (the same EN/AG/SD/SCD, VIF as the line-by-line `vifp_mscale.m` port with full 2-D
'valid' filtering, `text_difuse.metrics.vifp_naive`), and, for reference, piq's torch `vif_p`.

The fused image is the mean of the two sources' grey/luma images, computed in memory (no file IO is timed except the
separately reported loading). The naive baseline is slow, so it runs on the first `--naive-pairs` pairs and is scaled to 100.

Usage:  .venv/bin/python tools/bench_metrics.py [--root DATA] [--out results/bench_metrics] [--naive-pairs 5] [--threads 1]
Writes: OUT/bench.csv, OUT/bench.md, OUT/params.json
"""
from __future__ import annotations
import argparse, json, os, platform, subprocess, sys, time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def parse():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--root", default=None, help="data root (default: $TEXT_DIFUSE_DATA, else ../shared/data)")
    p.add_argument("--split", default="test")
    p.add_argument("--out", default=str(REPO / "results" / "bench_metrics"))
    p.add_argument("--naive-pairs", type=int, default=5, help="pairs timed with the naive baseline (scaled to all)")
    p.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP/torch threads")
    p.add_argument("--no-piq", action="store_true", help="skip the piq vif_p reference timing")
    return p.parse_args()


def git_commit() -> str:
    try:
        c = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True).stdout.strip()
        return c + ("-dirty" if dirty else "")
    except Exception: return "unknown"


def md_table(df) -> str:
    "A Markdown table without the optional `tabulate` dependency."
    cells = [[str(c) for c in df.columns]] + [["" if v is None or (isinstance(v, float) and v != v) else str(v) for v in r]
                                               for r in df.itertuples(index=False)]
    return "\n".join(["| " + " | ".join(cells[0]) + " |", "|" + "---|" * len(cells[0])] + ["| " + " | ".join(r) + " |" for r in cells[1:]])


def main():
    a = parse()
    commit = git_commit()   # before anything is written (the outputs would make the tree dirty)
    for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"): os.environ[v] = str(a.threads)
    import numpy as np, pandas as pd, scipy
    from tqdm.auto import tqdm
    from text_difuse.data import load_dataset
    from text_difuse.metrics import METRICS, fusion_metrics, to_grey255, vifp_naive

    ds = load_dataset("msrs", a.split, root=a.root)
    t0 = time.perf_counter()
    triples = []
    for d in tqdm(ds, total=len(ds), desc="loading"):
        A, B = to_grey255(d["a"]), to_grey255(d["b"])
        triples.append((d["name"], A, B, (A + B) / 2))
    t_load = time.perf_counter() - t0
    n = len(triples)
    H, W = triples[0][1].shape
    rows = []

    def row(impl, what, pairs, sec, **extra):
        rows.append(dict(implementation=impl, what=what, pairs_timed=pairs, seconds=round(sec, 4),
                         sec_per_pair=round(sec / pairs, 5), sec_per_100_pairs=round(sec / pairs * 100, 3), **extra))

    row("io", "read + luma + fused mean (not in the metric timings)", n, t_load)
    # ours: each metric alone, then the five and all of them through fusion_metrics (which includes input conversion)
    ours_vals = {}
    for m in METRICS.names():
        fn = METRICS[m]
        t0 = time.perf_counter()
        ours_vals[m] = [fn(A, B, F) for _, A, B, F in triples]
        row("text_difuse", m, n, time.perf_counter() - t0)
    t0 = time.perf_counter()
    for _, A, B, F in tqdm(triples, desc="ours (all five)"): fusion_metrics(A, B, F, data_range=255)
    t_ours = time.perf_counter() - t0
    row("text_difuse", "all five (fusion_metrics)", n, t_ours)
    t0 = time.perf_counter()
    for _, A, B, F in tqdm(triples, desc=f"ours (all {len(METRICS)})"): fusion_metrics(A, B, F, "all", data_range=255)
    t_all = time.perf_counter() - t0
    row("text_difuse", f"all {len(METRICS)} (fusion_metrics 'all')", n, t_all)

    # naive baseline on a subset, same run
    k = max(1, min(a.naive_pairs, n))
    t0 = time.perf_counter()
    naive_vif = []
    for _, A, B, F in tqdm(triples[:k], desc="naive"):
        for m in ("EN", "AG", "SD", "SCD"): METRICS[m](A, B, F)
        naive_vif.append(vifp_naive(A, F) + vifp_naive(B, F))
    t_naive = time.perf_counter() - t0
    rel = float(np.max(np.abs(np.array(naive_vif) - ours_vals["VIF"][:k]) / np.abs(naive_vif)))
    row("naive (2-D filter2 VIF port)", "all five", k, t_naive, max_rel_diff_VIF_vs_ours=f"{rel:.2e}")

    if not a.no_piq:
        import torch, piq
        torch.set_num_threads(a.threads)
        t0 = time.perf_counter()
        piq_vals = []
        for _, A, B, F in tqdm(triples[:k], desc="piq vif_p"):
            tf = torch.from_numpy(F)[None, None]
            piq_vals.append(sum(float(piq.vif_p(tf, torch.from_numpy(X)[None, None], data_range=255.0)) for X in (A, B)))
        t_piq = time.perf_counter() - t0
        rel_piq = float(np.max(np.abs(np.array(piq_vals) - ours_vals["VIF"][:len(piq_vals)]) / np.abs(piq_vals)))
        row("piq.vif_p x2 (torch; VIF only)", "VIF", len(piq_vals), t_piq, max_rel_diff_VIF_vs_ours=f"{rel_piq:.2e}")

    df = pd.DataFrame(rows)
    base = t_naive / k
    df["speedup_vs_naive"] = [round(base / r, 1) if r > 0 and (impl != "io") and what.startswith(("all five",)) else ""
                              for impl, what, r in zip(df.implementation, df.what, df.sec_per_pair)]
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    df.to_csv(out / "bench.csv", index=False)
    args = dict(vars(a), out=str(out.resolve().relative_to(REPO)) if out.resolve().is_relative_to(REPO) else str(out))
    params = dict(script="tools/bench_metrics.py", args=args, git_commit=commit, dataset=f"msrs/{a.split}",
                  pairs=n, image_size=f"{W}x{H}", metrics=METRICS.names(), fused="(A+B)/2 of the grey/luma sources, in memory, float64 0-255",
                  python=platform.python_version(), numpy=np.__version__, scipy=scipy.__version__, pandas=pd.__version__,
                  machine=platform.machine(), cpu_count=os.cpu_count(), date=time.strftime("%Y-%m-%d %H:%M:%S"))
    (out / "params.json").write_text(json.dumps(params, indent=1) + "\n")
    means = {m: float(np.mean(v)) for m, v in ours_vals.items()}
    md = [f"# Fusion-metric timing: {n} MSRS {a.split} pairs ({W}x{H}), {a.threads} thread(s)", "",
          md_table(df), "",
          f"All five metrics for {n} pairs: **{t_ours:.1f} s** with `text_difuse.metrics` "
          f"({t_ours / n * 1000:.0f} ms per pair) vs an estimated **{base * n:.0f} s** with the naive port "
          f"(measured on {k} pairs): **{base * n / t_ours:.0f}x** faster; VIF values agree to {rel:.1e} relative.", "",
          f"All {len(METRICS)} registered metrics ({', '.join(METRICS.names())}) for {n} pairs: **{t_all:.1f} s** "
          f"({t_all / n * 1000:.0f} ms per pair) on {a.threads} thread(s).", "",
          "Mean metrics of the (A+B)/2 fusion: " + ", ".join(f"{m} {v:.4f}" for m, v in means.items()), "",
          f"Machine: {platform.machine()}, {os.cpu_count()} CPU(s); numpy {np.__version__}, scipy {scipy.__version__}; "
          f"commit {params['git_commit']}."]
    (out / "bench.md").write_text("\n".join(md) + "\n")
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    sys.exit(main())
