"""Golden outputs of the shipped weights: the paper-formulation restorer, the anchored one (fusion's), restore's default and both FCMs on a small fixed input (fp32, fixed seeds), so a
silent change of weights, sampling or pre/post-processing fails CI. Tolerance: 2e-4 on [0, 1] image statistics and
pixels (fp32 on CPU; what differs between oneDNN builds is ~1e-6), except the paper formulation's outputs: its 25 ancestral
steps amplify those differences (measured: 8e-3 on a pixel between an AMD EPYC and the machine the values were made on), so
they get TOL_PAPER = 2e-2, still far below what a change of weights or sampler moves. After an intentional change (new
weights, new default sampler), regenerate with `.venv/bin/python tests/test_golden.py --update` and say why in the commit."""
import json, sys
from pathlib import Path
import numpy as np
import pytest

GOLDEN = Path(__file__).with_name("golden.json")
TOL = 2e-4
TOL_PAPER = 2e-2
PAPER_KEYS = ("restore_visible", "restore_infrared", "fuse_ivif_paper", "fuse_medical_paper")   # the 25-step ancestral sampler


def _inputs():
    from text_difuse.demo import synthetic_pair
    ir, vis, _ = synthetic_pair(seed=3)
    return ir[:64, :80].astype(np.float32), vis[:64, :80].astype(np.float32)


def _summary(x: np.ndarray) -> dict:
    x = np.asarray(x, np.float64)
    return dict(shape=list(x.shape), mean=float(x.mean()), std=float(x.std()), probe=[float(v) for v in x.reshape(-1)[:: max(1, x.size // 16)][:16]])


def outputs() -> dict:
    import torch
    from text_difuse.restore import Restorer
    from text_difuse.fuse import Fuser
    torch.set_num_threads(1)
    ir, vis = _inputs()
    r = Restorer.from_pretrained("compact", device="cpu", bf16=False)
    out = {"restorer": r.manifest["sha256"], "restore_visible": _summary(r.restore(vis, seed=0, tile=None)),
           "restore_infrared": _summary(r.restore(ir, seed=0, tile=None, luma="anchored"))}
    ra = Restorer.from_pretrained("anchored", device="cpu", bf16=False)   # the default (1 DDIM step, tone head)
    out["restorer_anchored"] = ra.manifest["sha256"]
    out["restore_anchored_visible"] = _summary(ra.restore(vis, seed=0, tile=None))
    out["restore_anchored_infrared"] = _summary(ra.restore(ir, seed=0, tile=None, modality="infrared"))
    rb = Restorer.from_pretrained("behind_tone", device="cpu", bf16=False)   # restore's default (its U-Net behind the tone head, luma anchored)
    out["restorer_behind_tone"] = rb.manifest["sha256"]
    out["restore_behind_tone_visible"] = _summary(rb.restore(vis, seed=0, tile=None))
    out["restore_behind_tone_infrared"] = _summary(rb.restore(ir, seed=0, tile=None, modality="infrared"))
    for task in ("ivif", "medical"):
        for tag, rr in (("", ra), ("_paper", r)):   # the default pipeline, and the paper formulation with the FCMs trained over it
            fu = Fuser.from_pretrained(task, restorer=rr)
            out[f"fuse_{task}{tag}"] = _summary(fu.fuse(ir, vis, seed=0, tile=None))
            out[f"fcm_{task}{tag}"] = fu.manifest["sha256"]
    return out


def _close(a, b, path="", tol=TOL):
    if isinstance(a, dict): return [m for k in a for m in _close(a[k], b.get(k), f"{path}.{k}", TOL_PAPER if k in PAPER_KEYS else tol)] + [f"{path}.{k}: missing" for k in b if k not in a]
    if isinstance(a, list): return [m for i, (x, y) in enumerate(zip(a, b)) for m in _close(x, y, f"{path}[{i}]", tol)] + ([f"{path}: lengths"] if len(a) != len(b) else [])
    if isinstance(a, float): return [] if abs(a - b) <= tol else [f"{path}: {b:.6f} now, {a:.6f} golden"]
    return [] if a == b else [f"{path}: {b!r} now, {a!r} golden"]


def test_shipped_weights_reproduce_their_golden_outputs():
    golden = json.loads(GOLDEN.read_text())
    bad = _close(golden, outputs())
    assert not bad, "the shipped models' outputs changed (regenerate only for an intentional change):\n" + "\n".join(bad)


def test_the_comparison_can_fail():
    g = {"a": {"mean": 0.5, "probe": [0.1, 0.2]}, "sha": "x"}
    assert _close(g, {"a": {"mean": 0.5 + 3 * TOL, "probe": [0.1, 0.2]}, "sha": "x"}) and _close(g, {"a": {"mean": 0.5, "probe": [0.1, 0.2]}, "sha": "y"})
    assert not _close(g, {"a": {"mean": 0.5 + TOL / 2, "probe": [0.1, 0.2]}, "sha": "x"})
    gp = {"fuse_ivif_paper": {"mean": 0.5}}
    assert not _close(gp, {"fuse_ivif_paper": {"mean": 0.5 + TOL_PAPER / 2}}) and _close(gp, {"fuse_ivif_paper": {"mean": 0.5 + 2 * TOL_PAPER}})


if __name__ == "__main__" and "--update" in sys.argv:
    GOLDEN.write_text(json.dumps(outputs(), indent=1) + "\n"); print(f"wrote {GOLDEN}")
