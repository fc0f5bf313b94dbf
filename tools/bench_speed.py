#!/usr/bin/env python
"""The CPU speed benchmark of issue 21: the default fusion (the anchored restorer and its FCM, at the formulation's
fusion step count) against the same pipeline at 25 steps, and against the earlier default (the paper formulation,
`--restorer compact`, 25 steps), measured in one run.

Two parts, timing first (so that a background job can be paused for it alone; the script prints 'timing done'):
* quality: every clean MSRS test pair is fused by each quality config (default: the default and 25 steps; `--quality`
  adds more) on `--quality-threads` threads; the paper's five metrics per pair, their means, and each mean's relative
  difference to the 25-step result (`--reference`).
* speed: `--time-pairs` pairs at 480x640 on `--threads` threads (the issue's 2), each config timed `--calls` times after a
  warm-up, interleaved so that a background load slows every config alike; seconds per pair and the ratio to the earlier
  default's 25 steps.

Usage:  .venv/bin/python tools/bench_speed.py [--out results/speed] [--n-msrs N] [--threads 2] [--quality-threads 1]
Writes: OUT/quality_per_image.csv, OUT/quality.csv, OUT/speed.csv, OUT/table.md, OUT/fig_speed_quality.png, OUT/params.json
"""
from __future__ import annotations
import argparse, json, os, platform, subprocess, sys, time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# name -> Fuser.from_pretrained / fuse settings; 'steps' None = the formulation's fusion default
CONFIGS = {
    "default": dict(restorer="anchored", steps=None, tile=256),
    "default, whole image (--tile 0)": dict(restorer="anchored", steps=None, tile=0),
    "anchored, 25 steps": dict(restorer="anchored", steps=25, tile=256),
    "earlier default: paper formulation, 25 steps": dict(restorer="compact", steps=25, tile=256),
}


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--root", default=None, help="data root (default: $TEXT_DIFUSE_DATA, else ../shared/data)")
    p.add_argument("--out", default=str(REPO / "results" / "speed"))
    p.add_argument("--n-msrs", type=int, default=None, help="quality pairs (default: the whole MSRS test split)")
    p.add_argument("--quality", nargs="+", default=["default", "default, whole image (--tile 0)", "anchored, 25 steps"],
                   choices=list(CONFIGS), help="configs scored on the quality pairs")
    p.add_argument("--reference", default="anchored, 25 steps", choices=list(CONFIGS), help="the quality reference")
    p.add_argument("--timed", nargs="+", default=list(CONFIGS), choices=list(CONFIGS), help="configs timed")
    p.add_argument("--baseline", default="earlier default: paper formulation, 25 steps", choices=list(CONFIGS),
                   help="the speed reference")
    p.add_argument("--time-pairs", type=int, default=2, help="480x640 pairs timed per config")
    p.add_argument("--calls", type=int, default=1, help="timed calls per pair (after one warm-up call per config)")
    p.add_argument("--threads", type=int, default=2, help="torch threads for the timing")
    p.add_argument("--quality-threads", type=int, default=1, help="torch threads for the quality pass")
    p.add_argument("--tolerance", type=float, default=0.01, help="the 'equal quality' tolerance on each metric's mean")
    p.add_argument("--seed", type=int, default=0)
    return p.parse_args(argv)


def git_commit() -> str:
    try:
        c = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO, capture_output=True, text=True).stdout.strip()
        return c + ("-dirty" if dirty else "")
    except Exception: return "unknown"


def md_table(df) -> str:
    cells = [[str(c) for c in df.columns]] + [["" if v is None or (isinstance(v, float) and v != v) else str(v) for v in r]
                                               for r in df.itertuples(index=False)]
    return "\n".join(["| " + " | ".join(cells[0]) + " |", "|" + "---|" * len(cells[0])] + ["| " + " | ".join(r) + " |" for r in cells[1:]])


def main(argv=None) -> int:
    a = parse(argv)
    commit = git_commit()   # before anything is written
    import numpy as np, pandas as pd, torch
    from tqdm.auto import tqdm
    from text_difuse.data import load_dataset
    from text_difuse.io import luma
    from text_difuse.fuse import Fuser
    from text_difuse.metrics import DEFAULT_METRICS, fusion_metrics
    from text_difuse.repro import evenly

    ds = load_dataset("msrs", "test", root=a.root)
    fusers = {}
    def fuser(name):
        r = CONFIGS[name]["restorer"]
        if r not in fusers: fusers[r] = Fuser.from_pretrained("ivif", restorer=r)
        return fusers[r]
    def run(name, d):
        c, fu = CONFIGS[name], fuser(name)
        ir = d["a"] if d["a"].ndim == 2 else luma(d["a"])
        return fu.fuse(ir, d["b"], steps=c["steps"], seed=a.seed, tile=c["tile"] or None)
    steps_of = lambda name: CONFIGS[name]["steps"] or fuser(name).restorer.fuse_steps

    # --- speed: 480x640 pairs on --threads threads, configs interleaved
    torch.set_num_threads(a.threads)
    tp = [ds[i] for i in evenly(list(range(len(ds))), a.time_pairs)]
    for name in a.timed: run(name, tp[0])   # warm-up (weights loaded, kernels picked)
    secs = {n: [] for n in a.timed}
    for d in tqdm(tp * a.calls, desc="timing"):
        for name in a.timed:
            t0 = time.perf_counter(); run(name, d); secs[name].append(time.perf_counter() - t0)
    load_after_timing = os.getloadavg()[0]
    print(f"timing done (load {load_after_timing:.2f}); quality next", flush=True)
    base = float(np.mean(secs[a.baseline]))
    speed = pd.DataFrame([dict(config=n, steps=steps_of(n), restorer=CONFIGS[n]["restorer"], tile=CONFIGS[n]["tile"],
                               s_per_pair=round(float(np.mean(v)), 3), s_min=round(float(np.min(v)), 3), timed=len(v),
                               speedup_vs_baseline=round(base / float(np.mean(v)), 2)) for n, v in secs.items()])
    # --- quality: the whole split, each config, the five metrics
    torch.set_num_threads(a.quality_threads)
    items = evenly(list(range(len(ds))), a.n_msrs)
    rows = []
    for i in tqdm(items, desc="quality"):
        d = ds[i]
        for name in a.quality:
            t0 = time.perf_counter(); f = run(name, d); sec = time.perf_counter() - t0
            rows.append(dict(config=name, name=d["name"], seconds=round(sec, 3),
                             **fusion_metrics(d["a"], d["b"], f, DEFAULT_METRICS)))
    per = pd.DataFrame(rows)
    mets = list(DEFAULT_METRICS)
    q = per.groupby("config", sort=False)[mets + ["seconds"]].mean().reindex(a.quality)
    ref = q.loc[a.reference, mets]
    rel = (q[mets] - ref) / ref.abs()
    quality = q[mets].round(4).copy()
    for m in mets: quality[f"{m} vs ref %"] = (100 * rel[m]).round(2)
    quality["max |diff| %"] = (100 * rel.abs().max(axis=1)).round(2)
    quality["worst drop %"] = (100 * (-rel).clip(lower=0).max(axis=1)).round(2) + 0.0
    quality[f"within {a.tolerance:.0%}"] = np.where(rel.abs().max(axis=1) <= a.tolerance, "yes", "no")
    quality[f"no drop > {a.tolerance:.0%}"] = np.where((-rel).max(axis=1) <= a.tolerance, "yes", "no")
    quality.insert(0, "steps", [steps_of(n) for n in quality.index])
    quality.insert(0, "pairs", len(items))

    hw = tp[0]["a"].shape[:2]

    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    per.to_csv(out / "quality_per_image.csv", index=False)
    quality.reset_index().to_csv(out / "quality.csv", index=False)
    speed.to_csv(out / "speed.csv", index=False)
    params = dict(script="tools/bench_speed.py", args=vars(a) | dict(out=str(out.resolve().relative_to(REPO)) if out.resolve().is_relative_to(REPO) else a.out),
                  configs={n: CONFIGS[n] for n in dict.fromkeys(a.quality + a.timed)}, git_commit=commit,
                  dataset="msrs/test (clean)", quality_pairs=len(items), timed_pairs=[d["name"] for d in tp], timed_size=f"{hw[1]}x{hw[0]}",
                  torch=torch.__version__, machine=platform.machine(), cpu_count=os.cpu_count(),
                  load_during_timing=load_after_timing, date=time.strftime("%Y-%m-%d %H:%M:%S"))
    (out / "params.json").write_text(json.dumps(params, indent=1) + "\n")

    import matplotlib; matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axs = plt.subplots(1, 2, figsize=(11, 3.6))
    axs[0].barh(speed.config, speed.s_per_pair, color="tab:blue"); axs[0].set_xlabel(f"s per {hw[1]}x{hw[0]} pair, {a.threads} threads")
    for y, (s, r) in enumerate(zip(speed.s_per_pair, speed.speedup_vs_baseline)): axs[0].text(s, y, f" {s:.1f} s ({r:.1f}x)", va="center", fontsize=8)
    axs[0].invert_yaxis(); axs[0].set_xlim(0, speed.s_per_pair.max() * 1.45)
    x = np.arange(len(mets)); w = 0.8 / len(a.quality)
    for k, n in enumerate(a.quality): axs[1].bar(x + k * w, 100 * rel.loc[n].values, w, label=n)
    axs[1].axhspan(-100 * a.tolerance, 100 * a.tolerance, color="grey", alpha=0.2, lw=0)
    axs[1].set_xticks(x + w * (len(a.quality) - 1) / 2, mets); axs[1].set_ylabel(f"mean vs '{a.reference}' (%)")
    axs[1].legend(fontsize=7); axs[1].axhline(0, color="k", lw=0.5)
    fig.suptitle(f"Speed (left) and quality on {len(items)} MSRS test pairs (right; grey band: +-{a.tolerance:.0%})", fontsize=10)
    fig.tight_layout(); fig.savefig(out / "fig_speed_quality.png", dpi=90); plt.close(fig)

    d0 = speed.set_index("config").loc["default"] if "default" in a.timed else None
    md = [f"# CPU speed at equal quality (issue 21): {hw[1]}x{hw[0]} fusion on {a.threads} threads, quality on {len(items)} clean MSRS test pairs", "",
          f"- commit {commit}; parameters in params.json; per-pair metrics in quality_per_image.csv; load average {params['load_during_timing']:.2f} when the timing ended (1-minute, all processes)",
          f"- quality: the paper's five metrics, means over the pairs, and each mean's difference to **{a.reference}** ({steps_of(a.reference)} steps); "
          f"'within {a.tolerance:.0%}' asks every metric to lie within the tolerance, 'no drop' only that none is worse by more",
          f"- speed: mean seconds per pair over {len(tp)} pair(s) x {a.calls} call(s) after a warm-up, configs interleaved; ratio against **{a.baseline}**",
          "", "## Quality", "", md_table(quality.reset_index()), "", "## Speed", "", md_table(speed), ""]
    if d0 is not None:
        md.append(f"The default fuses a {hw[1]}x{hw[0]} pair in **{d0.s_per_pair:.2f} s** on {a.threads} threads, "
                  f"**{d0.speedup_vs_baseline:.1f}x** faster than {a.baseline} ({base:.1f} s).")
    (out / "table.md").write_text("\n".join(md) + "\n")
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    sys.exit(main())
