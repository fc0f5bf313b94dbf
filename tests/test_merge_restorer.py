"""tools/merge_restorer.py: the U-Net of one export with the tone head of another, loadable by `Restorer`, refused for different networks."""
import json, sys
from dataclasses import asdict
from pathlib import Path
import numpy as np, pytest, torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from merge_restorer import merge  # noqa: E402
from text_difuse.data import PoolImage  # noqa: E402
from text_difuse.train import TrainConfig, train_restore, export_weights  # noqa: E402
from text_difuse.restore import Restorer  # noqa: E402


def _pool():
    rng = np.random.default_rng(0)
    return [PoolImage((rng.random((48, 64, 3)) * 255).astype(np.uint8), m, s) for m, s in (("visible", "bsds500"), ("infrared", "msrs_ir"), ("medical", "harvard_grey"))]


def test_merge(tmp_path):
    pool = _pool()
    base = TrainConfig(out=str(tmp_path / "base"), preset="tiny", iters=2, batch=2, crop=16, weights=None, warmup=1, progress=False,
                       unet={"global_context": True, "tone_knots": 8, "tone_auto": "classify"}, luma="anchored")
    train_restore(base, pool=pool); export_weights(tmp_path / "base" / "last.pt", tmp_path / "base.pt")
    run = lambda name, **kw: (train_restore(TrainConfig(**{**asdict(base), "out": str(tmp_path / name), "iters": 5, "init": str(tmp_path / "base.pt"), **kw}), pool=pool),
                              export_weights(tmp_path / name / "last.pt", tmp_path / f"{name}.pt"))
    run("unet", freeze_tone=True)
    run("tone", tone_only=True, lr=3e-3, unet={**base.unet, "tone_noise": True})
    m = merge(tmp_path / "unet.pt", tmp_path / "tone.pt", tmp_path / "merged.pt")
    sd = {n: torch.load(tmp_path / f"{n}.pt")["state_dict"] for n in ("unet", "tone", "merged", "base")}
    assert all(torch.equal(sd["merged"][k], sd["tone" if k.startswith("tone.") else "unet"][k]) for k in sd["merged"])
    assert any(not torch.equal(sd["merged"][k], sd["base"][k]) for k in sd["merged"] if k.startswith("tone.")) and \
           any(not torch.equal(sd["merged"][k], sd["base"][k]) for k in sd["merged"] if not k.startswith("tone."))   # both parts trained
    assert m["unet"]["tone_noise"] and m["iterations"] == 5 + 3 and m["parts"]["tone"]["new_steps"] == 3 and m["luma"] == "anchored"
    r = Restorer.from_pretrained(tmp_path / "merged.pt")
    assert r.model.tone.noise and r.luma == "anchored"
    mc = merge(tmp_path / "unet.pt", tmp_path / "tone.pt", tmp_path / "merged_c.pt", classifier_path=tmp_path / "base.pt")   # the classifier of a third
    sdc = torch.load(tmp_path / "merged_c.pt")["state_dict"]
    assert all(torch.equal(sdc[k], sd["base" if k.startswith("tone.classify.") else "merged"][k]) for k in sdc) and mc["parts"]["classifier"]["iterations"] == 2
    assert any(not torch.equal(sd["merged"][k], sd["base"][k]) for k in sdc if k.startswith("tone.classify."))   # it did move in the tone-only run
    (tmp_path / "base.json").write_text(json.dumps({**json.loads((tmp_path / "base.json").read_text()), "iterations": 99}))   # the start replaced since
    assert merge(tmp_path / "unet.pt", tmp_path / "tone.pt", tmp_path / "merged_r.pt")["parts"]["tone"]["new_steps"] == 3   # counted from the tone run's own record
    mt = json.loads((tmp_path / "tone.json").read_text()); mt["training"].pop("init_iterations")
    (tmp_path / "tone.json").write_text(json.dumps(mt))   # an older manifest: the tone part's start is unknown, its steps are not counted
    mg = merge(tmp_path / "unet.pt", tmp_path / "tone.pt", tmp_path / "merged_g.pt")
    assert mg["parts"]["tone"]["new_steps"] is None and mg["iterations"] == 5
    ms = merge(tmp_path / "unet.pt", tmp_path / "tone.pt", tmp_path / "merged_s.pt", tone_start=2)   # or told
    assert ms["parts"]["tone"]["new_steps"] == 3 and ms["parts"]["tone"]["start_given"] == 2 and ms["iterations"] == 8
    run("other", unet={**base.unet, "global_context": False}, init=None)
    with pytest.raises(ValueError, match="different networks"): merge(tmp_path / "other.pt", tmp_path / "tone.pt", tmp_path / "x.pt")
