"""One command for a GPU machine: train the restorer of each preset at large batch (torchrun over every local GPU), train its
FCM, export both (fp16 + manifest), fuse a test folder with them, and record iterations per second and seconds per fusion.

    python tools/gpu_recipe.py --out runs/gpu                   # on the GPU machine (its time budget: --minutes per stage)
    python tools/gpu_recipe.py --dry-run --out /tmp/gpu_dry     # CPU, tiny network, a few iterations: what CI runs

Writes OUT/recipe.json (and OUT/recipe.md): per stage the command, seconds, iterations and iterations per second, plus
seconds per fused pair. Copy it to results/gpu_recipe/ from a real run."""
from __future__ import annotations
import argparse, json, os, shutil, subprocess, sys, time
from pathlib import Path

BIN = Path(sys.executable).parent


def _gpus() -> int:
    import torch
    return torch.cuda.device_count() if torch.cuda.is_available() else 0


def _launch(args: list[str], nproc: int) -> list[str]:
    exe = [str(BIN / "text-difuse")]
    if nproc <= 1: return exe + args
    return [str(BIN / "torchrun"), "--standalone", f"--nproc_per_node={nproc}", "--no-python"] + exe + args


def _stage(name: str, cmd: list[str], log: list, iters: int | None = None):
    print(f"[{name}] {' '.join(cmd)}", flush=True)
    t = time.time()
    r = subprocess.run(cmd, env=dict(os.environ, PYTHONWARNINGS="ignore"))
    dt = time.time() - t
    if r.returncode != 0: raise SystemExit(f"[{name}] failed with exit code {r.returncode}")
    log.append(dict(stage=name, command=" ".join(cmd), seconds=round(dt, 1), iterations=iters,
                    it_per_s=round(iters / dt, 3) if iters else None))
    return dt


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="work folder (checkpoints, weights, fused images, recipe.json)")
    p.add_argument("--dry-run", action="store_true", help="CPU, the tiny network, a few iterations (a check of the recipe itself)")
    p.add_argument("--presets", default="compact,paper", help="restorer presets to train")
    p.add_argument("--iters", type=int, default=20000, help="restorer iterations per preset")
    p.add_argument("--fcm-iters", type=int, default=3000)
    p.add_argument("--batch", type=int, default=64, help="restorer batch per GPU")
    p.add_argument("--minutes", type=float, default=None, help="time budget of each training stage (a clean stop with a checkpoint)")
    p.add_argument("--data-root", default=os.environ.get("TEXT_DIFUSE_DATA"))
    ns = p.parse_args(argv)
    if not ns.data_root: raise SystemExit("no data root: pass --data-root or set TEXT_DIFUSE_DATA")
    out = Path(ns.out); out.mkdir(parents=True, exist_ok=True)
    nproc = 1 if ns.dry_run else max(1, _gpus())
    cpu = ["--threads", "1", "--device", "cpu"] if ns.dry_run else []   # every stage of a dry run: one CPU thread
    if ns.dry_run:
        presets, iters, fcm_iters, batch, extra = ["tiny"], 4, 2, 2, ["--crop", "32", "--sources", '{"harvard_grey": 1}', *cpu]
    else:
        presets, iters, fcm_iters, batch, extra = ns.presets.split(","), ns.iters, ns.fcm_iters, ns.batch, []
    budget = ["--max-minutes", str(ns.minutes)] if ns.minutes else []
    dr = ["--data-root", ns.data_root]
    log, fused = [], {}
    for preset in presets:
        ck, w = out / f"restore_{preset}", out / f"restore_{preset}.pt"
        _stage(f"train-restore {preset}", _launch(["train-restore", "-o", str(ck), "--preset", preset, "--batch", str(batch),
                                                   "--iters", str(iters), "--resume", "--export", str(w), *budget, *dr, *extra], nproc), log, iters)
        fw = out / f"fcm_medical_{preset}.pt"
        fcm_extra = ["--crop", "32", *cpu] if ns.dry_run else []
        _stage(f"train-fcm {preset}", _launch(["train-fcm", "--task", "medical", "-o", str(out / f"fcm_{preset}"), "--restorer", str(w),
                                               "--batch", str(max(1, batch // 2)), "--iters", str(fcm_iters), "--resume", "--export", str(fw),
                                               *budget, *dr, *fcm_extra], nproc), log, fcm_iters)
        test = Path(ns.data_root) / "harvard" / "CT-MRI" / "test"
        dest = out / f"fused_{preset}"
        if dest.exists(): shutil.rmtree(dest)
        n = len(list((test / "MRI").iterdir()))
        dt = _stage(f"fuse {preset}", [str(BIN / "text-difuse"), "fuse", "--task", "medical", "--a-dir", str(test / "MRI"), "--b-dir", str(test / "CT"),
                                       "-o", str(dest), "--restorer", str(w), "--fcm", str(fw), "--batch", "16",
                                       *cpu], log)
        fused[preset] = dict(pairs=n, seconds_per_pair=round(dt / n, 3), note="includes start-up and model loading")
    import torch
    rec = dict(dry_run=ns.dry_run, processes=nproc, device=torch.cuda.get_device_name(0) if _gpus() else "cpu",
               torch=torch.__version__, presets=presets, stages=log, fusion=fused, params=vars(ns))
    (out / "recipe.json").write_text(json.dumps(rec, indent=1))
    rows = ["| stage | seconds | iterations | it/s |", "|---|---|---|---|"] + \
           [f"| {s['stage']} | {s['seconds']} | {s['iterations'] or ''} | {s['it_per_s'] or ''} |" for s in log]
    (out / "recipe.md").write_text("\n".join(rows) + "\n\n" + "\n".join(f"- {k}: {v['seconds_per_pair']} s per fused pair ({v['pairs']} pairs, {v['note']})" for k, v in fused.items()) + "\n")
    print(f"wrote {out / 'recipe.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
