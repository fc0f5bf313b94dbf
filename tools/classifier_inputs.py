#!/usr/bin/env python
"""What the tone head's modality classifier (`--modality auto`) could tell apart with other training views and inputs.

The shipped classifier takes the darkest noisy grey photos for infrared night scenes (`results/probes/exposure-test-defaults.json`).
This probe trains small classifiers of the shipped architecture (`unet.ModalityClassifier` on the 32x32 `tone_thumb`,
with `cond_stats`) with cross-entropy only, on the same pool, the same number of items, and the same epochs and seed. Four
variants cross two choices:
  views   crops:  the training sampler's views (`train.PairSampler`: square 128-384 px crops, rotated and flipped);
          scenes: the sampler's whole-scene views (`PairSampler.scene`: 50-100 % of the image, aspect kept, long side
                  192 px, flipped left-right only, degraded as the crop), what `train-restore --classify-views scenes` uses;
  input   thumb:  the thumbnail; +norm: the thumbnail plus its luma standardised per image (`UNetConfig.classify_norm`).
Each variant is scored on the `exposure` probe's images, taken whole as `restore` sees them (--splits: MSRS nights;
RoadScene photos have no split). It reports the mean probability of 'visible' for dark grey photos (should be high)
and for infrared nights, clean and noisy (should be low). The shipped classifier is scored too.

Usage:  .venv/bin/python tools/classifier_inputs.py [--items 30000] [--epochs 4] [--splits train,test] [--threads 2]
Writes: results/probes/classifier-inputs.json and .params.json
"""
from __future__ import annotations
import argparse, json, sys, time
from pathlib import Path
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))


def sampler_items(pool, weights, n: int, seed: int, scenes: bool, batch: int = 64) -> dict:
    "`n` (thumb, stats, true modality) as the training sampler draws them: its crops' views, or (`scenes`) its upright whole-scene views (`train.PairSampler.scene`)."
    import torch
    from text_difuse.train import PairSampler
    s = PairSampler(pool, 128, batch, weights, seed, p_clean=0.1, scenes=scenes)
    th, st, kd = [], [], []
    for k in range((n + batch - 1) // batch):   # only what the classifier sees is kept (the crops would take GBs)
        b = s.batch(k); th.append(b[7] if scenes else b[3]); st.append(b[6] if scenes else b[2]); kd.append(b[5])
    return dict(thumb=torch.cat(th)[:n], stats=torch.cat(st)[:n], kind=torch.cat(kd)[:n])


def probe_images(split: str, n: int, root=None) -> list:
    "The `exposure` probe's images (`probes.exposure_items`), whole and degraded as that probe does: (kind, name, image)."
    from text_difuse.degrade import apply_spec
    from probes import exposure_items
    f32 = lambda x: x.astype(np.float32) / 255.0 if x.dtype == np.uint8 else x.astype(np.float32)
    return [(k, nm, apply_spec(f32(x), spec, seed=4000 + j) if spec else f32(x)) for j, (k, nm, x, spec) in enumerate(exposure_items(split, n, root, crop=None))]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--items", type=int, default=30000, help="training items per view kind")
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--splits", default="train,test", help="MSRS splits of the night scenes, each scored (train: choice, test: report)")
    p.add_argument("--n", type=int, default=24, help="images per probe kind")
    p.add_argument("--grey-weight", type=float, default=2.0, help="pool weight of grey BSDS500 photos (the shipped classifier's last run: 2.0)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--root", default=None)
    a = p.parse_args(argv)
    import torch, torch.nn.functional as F
    from text_difuse.data import load_pool, DEFAULT_WEIGHTS
    from text_difuse.unet import tone_thumb, cond_stats, ModalityClassifier
    from text_difuse.restore import Restorer, image_tensor, pad_to_multiple
    from text_difuse.repro import out_dir, save_params
    torch.set_num_threads(a.threads); t0 = time.time()
    weights = dict(DEFAULT_WEIGHTS, bsds500_grey=a.grey_weight)
    pool = load_pool(weights, a.root)
    data = {v: sampler_items(pool, weights, a.items, a.seed, scenes=v == "scenes") for v in ("crops", "scenes")}
    r = Restorer.from_pretrained("anchored")
    splits = a.splits.split(",")
    probe = {}
    for sp in splits:
        imgs = probe_images(sp, a.n, a.root)
        conds = [pad_to_multiple(image_tensor(x, torch.device("cpu")), r.multiple)[0] for _, _, x in imgs]
        probe[sp] = ([k for k, _, _ in imgs], torch.cat([tone_thumb(c) for c in conds]), torch.cat([cond_stats(c) for c in conds]),
                     [dict(kind=k, name=nm, mean_input=round(255 * float(x.mean()), 1)) for k, nm, x in imgs])
    rows, per_image = [], {}
    def score(name, fn):
        for sp, (kinds, thumbs, stats, _) in probe.items():
            with torch.no_grad(): pv = fn(thumbs, stats)
            rows.append(dict(variant=name, split=sp, **{k: round(float(pv[[i for i, q in enumerate(kinds) if q == k]].mean()), 3) for k in dict.fromkeys(kinds)}))
            per_image[f"{name} | {sp}"] = [round(float(v), 3) for v in pv]
            print(rows[-1], flush=True)
    score("shipped classifier", lambda t, s_: r.model.tone.modality_probs(t, s_)[:, 0])
    for views in ("crops", "scenes"):
        d = data[views]
        for norm in (False, True):
            torch.manual_seed(a.seed)
            m, name = ModalityClassifier(norm=norm), f"{views}, thumb{' +norm' if norm else ''}"
            opt = torch.optim.Adam(m.parameters(), 1e-3)
            g = torch.Generator().manual_seed(a.seed)
            for _ in range(a.epochs):
                perm = torch.randperm(len(d["kind"]), generator=g)
                for i in range(0, len(perm), 64):
                    idx = perm[i:i + 64]
                    loss = F.cross_entropy(m(d["thumb"][idx], d["stats"][idx]), d["kind"][idx] - 1)
                    opt.zero_grad(); loss.backward(); opt.step()
            score(name, lambda t, s_: m(t, s_).softmax(-1)[:, 0])
    import pandas as pd
    print(pd.DataFrame(rows).to_string(index=False))
    od = out_dir("probes", "results/probes")
    res = dict(measure=__doc__.split("\n\n")[1].replace("\n", " ") + " Values: mean probability of 'visible'.", splits=splits, rows=rows,
               images={sp: v[3] for sp, v in probe.items()}, p_visible=per_image)
    (od / "classifier-inputs.json").write_text(json.dumps(res, indent=1) + "\n")
    save_params(od, dict(vars(a), wall_seconds=round(time.time() - t0, 1)), name="classifier-inputs.params.json")
    print(f"wrote {od / 'classifier-inputs.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
