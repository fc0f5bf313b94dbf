#!/usr/bin/env python
"""The training ledger: for every training log in results/training/ (a copy of a run's log.csv, with its run's settings
in results/training/runs.json), the iterations, the CPU-hours (training seconds x threads) and the loss curve; probe
points (results/probes/*.json written by tools/probes.py fidelity) are the validation curve. Writes
results/training/ledger.md and one PNG per run.

Usage:  .venv/bin/python tools/ledger.py [--runs results/training/runs.json]
runs.json: {"<run>": {"log": "<file>.csv", "threads": 1, ("gpu": "NVIDIA H200", for a run on a lent GPU), "init": "...", "formulation": "...", "note": "...",
                      "validation": ["results/probes/<probe>.json", ...], "weights": "<path of the exported .pt>"}}
A run with "kind": "detector" is an ultralytics run: "log" is a copy of its results.csv (one row per epoch; its `time` column
restarts at each resume), "manifest" the exported weights' manifest (test mAP); it gets a row in the detectors' table and a
PNG of its validation mAP and training losses per epoch.
"""
from __future__ import annotations
import argparse, csv, json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRAIN = ROOT / "results" / "training"


def read_log(path: Path) -> list[dict]:
    with open(path, newline="") as f: return [{k: float(v) for k, v in r.items() if v not in ("", None)} for r in csv.DictReader(f)]


def validation_points(files, weights) -> list[dict]:
    "(iterations, identity PSNR, degraded PSNR) of `weights` (a file name or a list of them) in the given fidelity-probe files."
    names = {Path(w).name for w in ([weights] if isinstance(weights, str) else weights)}
    pts = []
    for f in files:
        if not (ROOT / f).exists(): continue
        d = json.loads((ROOT / f).read_text())
        for r in d.get("overall", []):
            if Path(str(r["weights"])).name in names:
                pts.append(dict(iterations=r["iterations"], identity_psnr=r["identity_psnr"], degraded_psnr=r["degraded_psnr"],
                                identity_vif=r["identity_vif"], file=f, steps=d.get("steps")))
    return sorted(pts, key=lambda p: p["iterations"])


def plot(name: str, rows: list[dict], val: list[dict], out: Path, phases=()) -> None:
    import matplotlib; matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2 if val else 1, figsize=(10 if val else 5.5, 3.4), squeeze=False)
    ax = axes[0, 0]
    ax.plot([r["step"] for r in rows], [r["loss"] for r in rows], lw=0.6, alpha=0.5, label="train loss (10-step windows)")
    k = 20
    sm = [sum(r["loss"] for r in rows[max(0, i - k):i + 1]) / len(rows[max(0, i - k):i + 1]) for i in range(len(rows))]
    ax.plot([r["step"] for r in rows], sm, lw=1.5, label=f"moving mean ({k} rows)")
    for x in phases: ax.axvline(x, color="grey", ls=":", lw=1)
    ax.set_xlabel("iteration"); ax.set_ylabel("loss"); ax.set_yscale("log"); ax.set_title(name + (" (dotted: settings changed)" if phases else "")); ax.legend(fontsize=7)
    if val:
        ax = axes[0, 1]
        its = [p["iterations"] for p in val]
        ax.plot(its, [p["identity_psnr"] for p in val], "o-", label="identity PSNR (clean in)")
        ax.plot(its, [p["degraded_psnr"] for p in val], "s-", label="degraded PSNR (medium severity)")
        ax.set_xlabel("iteration"); ax.set_ylabel("dB (train-split probe)"); ax.legend(fontsize=7); ax.set_title("validation")
    fig.tight_layout(); fig.savefig(out, dpi=90); plt.close(fig)


def detector_row(name: str, r: dict) -> str:
    "The ledger row of an ultralytics detector run, and its curve PNG."
    with open(TRAIN / r["log"], newline="") as f: rows = [{k.strip(): v for k, v in x.items()} for x in csv.DictReader(f)]
    ep = [int(float(x["epoch"])) for x in rows]
    m50 = [float(x["metrics/mAP50(B)"]) for x in rows]; m = [float(x["metrics/mAP50-95(B)"]) for x in rows]
    t = [float(x["time"]) for x in rows]
    secs = sum(a for a, b in zip(t, t[1:] + [-1.0]) if b < a)   # the time column restarts at each resume
    import matplotlib; matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 3.4))
    a1.plot(ep, m50, "o-", ms=2, label="val mAP@0.5"); a1.plot(ep, m, "s-", ms=2, label="val mAP@[.5:.95]")
    a1.set_xlabel("epoch"); a1.set_ylabel("validation (33 MSRS train pairs held out)"); a1.legend(fontsize=7); a1.set_title(name)
    for k in ("train/box_loss", "train/cls_loss", "train/dfl_loss"): a2.plot(ep, [float(x[k]) for x in rows], lw=1, label=k)
    a2.set_xlabel("epoch"); a2.set_ylabel("loss"); a2.legend(fontsize=7); a2.set_title("training losses")
    fig.tight_layout(); fig.savefig(TRAIN / f"{name}.png", dpi=90); plt.close(fig)
    man = json.loads((ROOT / r["manifest"]).read_text()) if r.get("manifest") and (ROOT / r["manifest"]).exists() else {}
    test = (man.get("box_map") or {}).get("test", {})
    tt = f"{test['map50']:.3f} (person {test['per_class_map50']['person']:.2f}, bicycle {test['per_class_map50']['bicycle']:.2f}, car {test['per_class_map50']['car']:.2f})" if test else "-"
    best = max(range(len(m50)), key=m50.__getitem__)
    return (f"| [{name}]({name}.png) | {r.get('formulation', '')} | {r.get('init', '')} | {len(ep)} | {secs * r.get('threads', 1) / 3600:.2f} | "
            f"{m50[best]:.3f} (epoch {ep[best]}) | {tt} | {r.get('note', '')} |")


def steps_curve(files) -> list[dict]:
    "Identity / degraded quality against the number of sampling steps, from `tools/probes.py fidelity --steps N` files; plotted to steps_anchored.png."
    pts = []
    for f in files:
        d = json.loads(f.read_text()); o = d["overall"][0]
        pts.append(dict(steps=int(d["steps"]), identity_psnr=o["identity_psnr"], identity_vif=o["identity_vif"], degraded_psnr=o["degraded_psnr"]))
    pts.sort(key=lambda p: p["steps"])
    if pts:
        import matplotlib; matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(5, 3.2))
        ax.plot([p["steps"] for p in pts], [p["identity_psnr"] for p in pts], "o-", label="identity PSNR (clean in)")
        ax.plot([p["steps"] for p in pts], [p["degraded_psnr"] for p in pts], "s-", label="degraded PSNR")
        ax.set_xscale("log"); ax.set_xlabel("sampling steps (DDIM)"); ax.set_ylabel("dB (train-split probe)"); ax.legend(fontsize=7)
        fig.tight_layout(); fig.savefig(TRAIN / "steps_anchored.png", dpi=90); plt.close(fig)
    return pts


def main(argv=None) -> int:
    a = argparse.ArgumentParser(description=__doc__.split("\n\n")[0]); a.add_argument("--runs", default=str(TRAIN / "runs.json"))
    runs = json.loads(Path(a.parse_args(argv).runs).read_text())
    lines = ["# Training ledger", "", "Made by `tools/ledger.py` from the logs in this folder and `runs.json`. CPU-hours = seconds spent in",
             "training steps x torch threads (the machine has 2 cores; a 1-thread run shares them with other work); a run on a lent GPU",
             "(`\"gpu\"` in runs.json) shows its minutes instead.", "",
             "| run | formulation | init | iterations (start -> end) | new iterations | CPU-hours | last loss (mean of 20 rows) | validation (identity / degraded PSNR, dB) | note |",
             "|---|---|---|---|---|---|---|---|---|"]
    detectors = {n: r for n, r in runs.items() if r.get("kind") == "detector"}
    for name, r in runs.items():
        if name in detectors: continue
        rows = read_log(TRAIN / r["log"])
        if not rows: continue
        start, end = int(r.get("start", rows[0]["step"] - 10)), int(rows[-1]["step"])
        secs = rows[-1]["wall_s"] - r.get("start_wall_s", rows[0]["wall_s"] - rows[0]["sec_per_it"] * 10)
        cpu_h = secs * r.get("threads", 1) / 3600
        cost = f"{cpu_h:.2f}" if not r.get("gpu") else f"0 (GPU: {secs / 60:.1f} min on one {r['gpu']})"   # a lent GPU's run: its minutes, not CPU-hours
        last = sum(x["loss"] for x in rows[-20:]) / len(rows[-20:])
        val = validation_points(r.get("validation", []), r.get("weights", ""))
        vtxt = "; ".join(f"{p['iterations']}: {p['identity_psnr']:.1f} / {p['degraded_psnr']:.1f}" for p in val) or "-"
        plot(name, rows, val, TRAIN / f"{name}.png", r.get("phases", ()))
        lines.append(f"| [{name}]({name}.png) | {r.get('formulation', '')} | {r.get('init', '')} | {start} -> {end} | {end - start} | "
                     f"{cost} | {last:.4f} | {vtxt} | {r.get('note', '')} |")
    if detectors:
        lines += ["", "## Detectors (ultralytics YOLO on MSRS train)", "",
                  "| run | model / input | init | epochs | CPU-hours | best val mAP@0.5 | test mAP@0.5 of the export | note |", "|---|---|---|---|---|---|---|---|"]
        lines += [detector_row(n, r) for n, r in detectors.items()]
    curve = steps_curve(sorted(f for f in (ROOT / "results" / "probes").glob("fidelity-train-anchored-final-steps*.json") if not f.name.endswith(".params.json")))
    if curve:
        lines += ["", "## Steps against quality (anchored restorer, train split)", "",
                  "| steps | identity PSNR | identity VIF | degraded PSNR |", "|---|---|---|---|"]
        lines += [f"| {c['steps']} | {c['identity_psnr']:.2f} | {c['identity_vif']:.3f} | {c['degraded_psnr']:.2f} |" for c in curve]
        lines += ["", "![steps](steps_anchored.png)"]
    (TRAIN / "ledger.md").write_text("\n".join(lines) + "\n")
    print(f"wrote {TRAIN / 'ledger.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
