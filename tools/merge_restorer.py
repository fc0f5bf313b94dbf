"""Restorer weights made of two exports of one network: the U-Net (every tensor outside `tone.`) of `--unet` and the tone head
(`tone.*`) of `--tone`. A `--tone-only` run never runs the U-Net, so its tone head is the same whatever U-Net it was trained beside:
merging it with a U-Net fine-tuned behind the frozen tone head at the same time (`--freeze-tone`) gives exactly the weights that
running the two one after the other would. The networks must agree on everything but the tone head's own switches
(`tone_noise`), and on the formulation and luma policy. The manifest records the parts (file, sha256, iterations) and counts
the tone head's new steps on top of the U-Net's iterations. `--classifier D.pt` also takes the tone head's modality classifier
(`tone.classify.*`, what `--modality auto` asks) from D: e.g. the one trained on cross-entropy alone, when a later tone-only run
moved it while it learned the told corrections (the classifier never sees the noise level, so any such export fits).

    .venv/bin/python tools/merge_restorer.py --unet A.pt --tone B.pt [--classifier D.pt] -o C.pt
"""
from __future__ import annotations
import argparse, datetime, sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from text_difuse.weights import load_checked, atomic_save, write_manifest  # noqa: E402
from text_difuse.unet import UNetConfig  # noqa: E402

TONE_SWITCHES = {"tone_noise"}   # the tone head's own inputs: may differ between the parts (the --tone part's are kept)


def _start_iterations(man: dict) -> int | None:
    "Iterations the run began at: recorded by its manifest (`training.init_iterations`; 0 for a run from scratch), None for older manifests."
    tr = man.get("training") or {}
    if not tr.get("init"): return 0
    # not looked up from the init file: it may have been replaced since (the shipped default was, and its new count gave 2,308 steps for 12,602)
    return tr.get("init_iterations")


def merge(unet_path, tone_path, out_path, classifier_path=None, tone_start: int | None = None) -> dict:
    "`tone_start`: the iterations the tone part's run began at, for a manifest older than `training.init_iterations` (recorded as given)."
    a, ma = load_checked(unet_path, "restorer")
    b, mb = load_checked(tone_path, "restorer")
    ca, cb = UNetConfig.from_dict(a["unet"]).to_dict(), UNetConfig.from_dict(b["unet"]).to_dict()
    if not cb.get("tone_knots"): raise ValueError(f"{tone_path} has no tone head")
    diff = {k for k in ca if ca[k] != cb[k]} - TONE_SWITCHES
    if diff: raise ValueError(f"the two weights are different networks (differ in {sorted(diff)})")
    for k in ("schedule", "T", "pred_type", "anchor", "luma"):
        if a.get(k) != b.get(k): raise ValueError(f"the two weights differ in {k}: {a.get(k)!r} against {b.get(k)!r}")
    sa, sb = a["state_dict"], b["state_dict"]
    missing = sorted(k for k in sb if not k.startswith("tone.") and k not in sa)
    if missing: raise ValueError(f"{unet_path} lacks U-Net tensors {missing[:4]}")
    sd = {k: (sb[k] if k.startswith("tone.") else sa[k]) for k in sb}
    parts = {}
    if classifier_path is not None:
        c, mc = load_checked(classifier_path, "restorer")
        cls = {k: v for k, v in c["state_dict"].items() if k.startswith("tone.classify.")}
        if not cls or {k for k in sd if k.startswith("tone.classify.")} != set(cls) or any(sd[k].shape != v.shape for k, v in cls.items()):
            raise ValueError(f"{classifier_path} has no modality classifier of the same shape")
        sd.update(cls)
        parts["classifier"] = dict(file=str(classifier_path), sha256=mc["sha256"], iterations=mc["iterations"])
    atomic_save(dict({k: v for k, v in b.items() if k != "state_dict"}, state_dict=sd), out_path)
    start = _start_iterations(mb) if tone_start is None else int(tone_start)
    tone_steps = None if start is None else int(mb["iterations"]) - start   # unknown: not counted rather than guessed
    m = {k: v for k, v in ma.items() if k not in ("file", "sha256", "bytes")}
    m.update(unet=cb, shapes={k: list(v.shape) for k, v in sd.items()}, iterations=int(ma["iterations"]) + max(0, tone_steps or 0),
             n_params=int(sum(v.numel() for v in sd.values() if v.is_floating_point())),
             parts=dict(unet=dict(file=str(unet_path), sha256=ma["sha256"], iterations=ma["iterations"]),
                        tone=dict(file=str(tone_path), sha256=mb["sha256"], iterations=mb["iterations"], new_steps=tone_steps, **({} if tone_start is None else {"start_given": int(tone_start)}),
                                  training=mb.get("training")), **parts),
             exported=datetime.datetime.now().isoformat(timespec="seconds"))
    return write_manifest(out_path, m)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--unet", required=True, help="weights whose U-Net is kept")
    p.add_argument("--tone", required=True, help="weights whose tone head is kept")
    p.add_argument("--classifier", default=None, help="weights whose tone-head modality classifier is kept (default: the --tone part's)")
    p.add_argument("--tone-start", type=int, default=None, help="iterations the --tone part's run began at (manifests that predate training.init_iterations)")
    p.add_argument("-o", "--out", required=True)
    ns = p.parse_args(argv)
    m = merge(ns.unet, ns.tone, ns.out, ns.classifier, ns.tone_start)
    print(f"wrote {ns.out}: {m['iterations']} iterations (U-Net {m['parts']['unet']['iterations']}, tone head +{m['parts']['tone']['new_steps'] or '?'} steps), sha256 {m['sha256'][:12]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
