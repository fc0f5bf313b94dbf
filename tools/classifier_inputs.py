#!/usr/bin/env python
"""What the tone head's modality classifier (`--modality auto`) could tell apart with other training views and inputs.

The shipped classifier takes the darkest noisy grey photos for infrared night scenes (`results/probes/exposure-test-defaults.json`).
This probe trains small classifiers of the shipped architecture (`unet._thumb_cnn` on the 32x32 `tone_thumb`, with
`cond_stats`) with cross-entropy only, on the same pool, the same number of items, and the same epochs and seed. Four
variants cross two choices:
  views   crops:  the training sampler's views (`train.PairSampler`: square 128-384 px crops, rotated and flipped);
          scenes: whole-scene views (50-100 % of the image, aspect kept, long side 192 px, flipped left-right only);
  input   thumb:  the thumbnail as today; +norm: the thumbnail plus its luma standardised per image.
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


def scene_items(pool, weights, n: int, seed: int) -> dict:
    "`n` (thumb, stats, true modality) of degraded whole-scene views, orientation kept (left-right flips only)."
    import cv2, torch
    from text_difuse.unet import to_model, cond_stats, tone_thumb, TONE_MODALITIES
    from text_difuse.degrade import random_for_modality
    by = {}
    for j, p in enumerate(pool): by.setdefault(p.source, []).append(j)
    src = [s for s in by if weights.get(s, 0) > 0]
    pr = np.array([weights[s] for s in src], float); pr /= pr.sum()
    rng, th, st, kd = np.random.default_rng(seed), [], [], []
    for _ in range(n):
        members = by[src[rng.choice(len(src), p=pr)]]
        pi = pool[members[rng.integers(len(members))]]
        h, w = pi.img.shape[:2]
        f = rng.uniform(0.5, 1.0); vh, vw = int(h * f), int(w * f)
        y, x = rng.integers(0, h - vh + 1), rng.integers(0, w - vw + 1)
        s = 192 / max(vh, vw)
        view = cv2.resize(pi.img[y:y + vh, x:x + vw], (max(1, round(vw * s)), max(1, round(vh * s))), interpolation=cv2.INTER_AREA)
        view = view.astype(np.float32) / 255.0
        deg = view if rng.random() < 0.1 else random_for_modality(view, pi.modality, rng, n=(1, 3), severity=(0.2, 0.9))[0]
        if rng.random() < 0.5: deg = deg[:, ::-1]
        whole = torch.from_numpy(np.ascontiguousarray(to_model(deg).transpose(2, 0, 1)))[None]
        th.append(tone_thumb(whole)); st.append(cond_stats(whole)); kd.append(TONE_MODALITIES.index(pi.modality))
    return dict(thumb=torch.cat(th), stats=torch.cat(st), kind=torch.tensor(kd))


def crop_items(pool, weights, n: int, seed: int, batch: int = 64) -> dict:
    "`n` (thumb, stats, true modality) as the training sampler draws them."
    import torch
    from text_difuse.train import PairSampler
    s = PairSampler(pool, 128, batch, weights, seed, p_clean=0.1)
    th, st, kd = [], [], []
    for k in range((n + batch - 1) // batch):   # only what the classifier sees is kept (the crops would take GBs)
        b = s.batch(k); th.append(b[3]); st.append(b[2]); kd.append(b[5])
    return dict(thumb=torch.cat(th)[:n], stats=torch.cat(st)[:n], kind=torch.cat(kd)[:n])


def make_classifier(norm: bool, width: int = 16):
    "The shipped classifier's architecture; `norm` adds the per-image standardised luma of the thumbnail as a 4th channel."
    import torch, torch.nn as nn
    from text_difuse.unet import _thumb_cnn, _pooled, CONTEXT_QUANTILES

    class Classifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.net = _thumb_cnn(3 + int(norm), width)
            self.mlp = nn.Sequential(nn.Linear(4 * width + 6 + len(CONTEXT_QUANTILES), 32), nn.SiLU(), nn.Linear(32, 3))

        def forward(self, thumb, stats):
            if norm:
                y = thumb[:, :1]
                thumb = torch.cat([thumb, (y - y.mean((-2, -1), keepdim=True)) / (y.std((-2, -1), keepdim=True) + 0.02)], 1)
            return self.mlp(_pooled(self.net(thumb.float()), stats))
    return Classifier()


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
    from text_difuse.train import load_pool, DEFAULT_WEIGHTS
    from text_difuse.unet import tone_thumb, cond_stats
    from text_difuse.restore import Restorer, image_tensor, pad_to_multiple
    from text_difuse.repro import out_dir, save_params
    torch.set_num_threads(a.threads); t0 = time.time()
    weights = dict(DEFAULT_WEIGHTS, bsds500_grey=a.grey_weight)
    pool = load_pool(weights, a.root)
    data = {"crops": crop_items(pool, weights, a.items, a.seed), "scenes": scene_items(pool, weights, a.items, a.seed)}
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
            m, name = make_classifier(norm), f"{views}, thumb{' +norm' if norm else ''}"
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
