#!/usr/bin/env python
"""Small measurements behind design choices quoted in the docs, each written to results/probes/<name>.json with its
parameters and code version.

  remod-lr   the FCM re-modulation's adaptation rate: gradient / local-contrast gain inside a 'people' mask on one
             MSRS test pair for several (iters, lr) settings (why FCMAdapt defaults to 2 Adam steps at lr 2e-2)
  chroma     where the fused colour saturation comes from: mean |Cb|+|Cr| (0-255 units) of the visible image, of the
             restorer's output on it, and of the FCM / feature-mean fusions, on a few MSRS test pairs
  chroma-policy  the fused colour under each `restore.CHROMA` policy: mean |dCb|+|dCr| / 2 (0-255) against the clean
             visible image, and saturation, on clean and degraded ('visible' / 'infrared' protocols at --severity)
             MSRS day pairs at 240x320 (or `--dataset harvard`: PET/SPECT-MRI pairs, the 'medical' protocol); `--split train` chose the default ('matched'), `--split test` reports it.
             The policies are applied to the 'diffused' fusion's RGB output (exact up to RGB clipping), so each pair
             is sampled once per protocol.
  luma-policy  the restorer's brightness under each `restore.LUMA` policy: PSNR / SSIM against the clean image and
             the mean-brightness error, on clean and degraded (its modality's protocol at --severity) images: MSRS
             infrared and visible (--n pairs, half day, half night, centre 256x256) and Harvard MRI / CT / PET / SPECT
             (--n pairs over the three tasks); `--split train` chose `restore.MODALITY_LUMA`, `--split test` reports it.
  fusion-ceiling  why clean-input SCD / VIF trail the max rule: the five fusion metrics of the max rule, of ours (FCM),
             of each source restored alone by the shipped restorer and of the max of the two restorations (what the FCM is
             trained to reach), plus VIF(source, its own restoration) - how far the restorer is from the identity on a
             clean image; clean MSRS (--n pairs, half day / half night, centre 256x320) and Harvard (--n pairs over the tasks);
             --degraded: the sources degraded first (the fusion benchmark's protocols), metrics against the clean sources.
  fidelity   restorer weights compared (--weights a.pt,b.pt): on clean images VIF and PSNR of the restoration against
             the image itself (1 / high = a clean input is left alone), on degraded ones (its modality's protocol at
             --severity) PSNR against the clean image; MSRS infrared / visible centre 256x256 and Harvard MRI / other
             (--n pairs each); what a fine-tune with more identity samples (train-restore --p-clean) buys and costs.
  guidance   the source-detail guidance (`guide.DetailGuidance`, `Fuser(fidelity=...)`): ours without and with it for each
             (--sigmas x --gains x --windows), and every classical baseline, on clean MSRS (--n pairs, half day / half night, whole
             images) and Harvard (--n pairs over the tasks); the config beating every baseline on most metrics is
             reported as 'selected' (`--split train` chose `guide.GUIDANCE`); also the gates on clean and degraded sources.
  exposure   `restore`'s default brightness on grey images: dark grey photos (RoadScene visible, low light + noise) should
             be brightened, MSRS infrared night scenes kept as dark (--n images each; --weights as for fidelity).
  noise-levels  the noise std `guide.noise_sigma` reads on clean sources, on protocol-degraded ones and on stripe noise
             alone (severity 0.25, 0.5), MSRS / Harvard (--split) and RoadScene, --n pairs each (chose GUIDANCE lo / hi).
  grain      `restore` against the classical pipeline on degraded MSRS visible images (--n, whole): PSNR, brightness and
             the high-pass energy left (the grain), with non-local means on the output as a reference.
  table3-budget  one Table 3 row (--row) fine-tuned again from the committed table's pretrained detector under other budgets
             (--variants: warm-up, epochs, imgsz), scored on validation and test: what a larger equal budget would buy.

Usage:  .venv/bin/python tools/probes.py remod-lr|chroma|chroma-policy|luma-policy|fusion-ceiling|fidelity|guidance|noise-levels|exposure|table3-budget [--threads 2] [--steps N]
"""
from __future__ import annotations
import argparse, time
from pathlib import Path
import numpy as np


def _centre(x, h=256, w=None):
    "The centre h x w (default h x h) window of `x`."
    w = w or h
    y, z = max(0, (x.shape[0] - h) // 2), max(0, (x.shape[1] - w) // 2)
    return np.ascontiguousarray(x[y:y + h, z:z + w])


def probe_pairs(a) -> list:
    "`(set, task, name, a, b)`: MSRS pairs (--n, half day, half night, evenly spaced; task 'ivif') then Harvard pairs (--n over CT / PET / SPECT-MRI; task e.g. 'CT-MRI') of --split."
    from text_difuse.data import load_dataset
    from text_difuse.repro import evenly
    out, sets = [], a.sets.split(",")
    ds = load_dataset("msrs", split=a.split, root=a.root)
    day, night = [[i for i, g in enumerate(ds.groups) if g == k] for k in ("day", "night")]
    for i in (evenly(day, a.n - a.n // 2) + evenly(night, a.n // 2)) * ("msrs" in sets):
        d = ds[i]; out.append(("MSRS", "ivif", ds.names[i], d["a"], d["b"]))
    for k, task in enumerate(("CT-MRI", "PET-MRI", "SPECT-MRI") * ("harvard" in sets)):
        hd = load_dataset("harvard", split=a.split, root=a.root, task=task)
        for i in evenly(list(range(len(hd))), a.n // 3 + (k < a.n % 3)):
            d = hd[i]; out.append(("Harvard", task, hd.names[i], d["a"], d["b"]))
    return out


def single_images(a) -> list:
    "`(modality, protocol, name, clean image)` of each source of `probe_pairs`: MSRS infrared and visible (centre 256x256), Harvard MRI and CT / PET / SPECT."
    items = []
    for st, task, name, x, y in probe_pairs(a):
        if st == "MSRS": items += [("infrared", "infrared", name, _centre(x)), ("visible", "visible", name, _centre(y))]
        else: items += [("MRI", "medical", name, x), (task.split("-")[0], "medical", name, y)]
    return items

def remod_lr(a):
    import cv2, torch
    from text_difuse.data import load_dataset
    from text_difuse.fuse import Fuser
    from text_difuse.io import luma
    from text_difuse.locate import prompt_mask
    from text_difuse.remodulate import remodulated_fusion
    from text_difuse.losses import sobel_mag, local_std
    ds = load_dataset("msrs", split="test", root=a.root)
    d = ds[ds.names.index(a.pair)]
    hw = (d["a"].shape[1] // 2, d["a"].shape[0] // 2)
    ir, vis = (cv2.resize(x, hw, interpolation=cv2.INTER_AREA) for x in (d["a"], d["b"]))
    mask = prompt_mask(ir, vis, a.prompt, locator=a.locator)
    fu = Fuser.from_pretrained("ivif")
    base = fu.fuse(ir, vis, steps=a.steps, seed=0)
    inside = mask >= 0.5
    y = lambda x: torch.from_numpy(luma(x) if x.ndim == 3 else x)[None, None]
    grad = lambda x: float(sobel_mag(y(x))[0, 0].numpy()[inside].mean())
    std = lambda x: float(local_std(y(x))[0, 0].numpy()[inside].mean())
    rows = []
    for iters, lr in [(2, 5e-3), (2, 2e-2), (2, 5e-2), (4, 1e-2)]:
        t = time.perf_counter()
        mod = remodulated_fusion(fu, ir, vis, mask, steps=a.steps, seed=0, base=base, iters=iters, lr=lr)["modulated"]
        rows.append(dict(iters=iters, lr=lr, grad_gain_pct=round(100 * (grad(mod) / grad(base) - 1), 1),
                         contrast_gain_pct=round(100 * (std(mod) / std(base) - 1), 1), seconds=round(time.perf_counter() - t, 1)))
        print(rows[-1], flush=True)
    return dict(pair=a.pair, size=list(hw), prompt=a.prompt, locator=a.locator, mask_fraction=round(float(inside.mean()), 4), rows=rows)


def chroma(a):
    from text_difuse.data import load_dataset
    from text_difuse.fuse import Fuser
    from text_difuse.io import rgb_to_ycbcr
    fu = Fuser.from_pretrained("ivif")
    mean_rule = Fuser(fu.restorer, "mean", "ivif")
    sat = lambda x: round(float(np.abs(rgb_to_ycbcr(x)[..., 1:] - 0.5).mean() * 255), 2)
    ds = load_dataset("msrs", split="test", root=a.root)
    rows = []
    for name in a.pairs.split(","):
        d = ds[ds.names.index(name)]
        rows.append(dict(pair=name, visible=sat(d["b"]), restored_visible=sat(fu.restorer.restore(d["b"], steps=a.steps)),
                         fused_fcm=sat(fu.fuse(d["a"], d["b"], steps=a.steps)),
                         fused_feature_mean=sat(mean_rule.fuse(d["a"], d["b"], steps=a.steps))))
        print(rows[-1], flush=True)
    return dict(measure="mean |Cb - 128| + |Cr - 128| / 2 in 0-255 units (mean over both channels)", rows=rows)


def chroma_policy(a):
    import cv2, torch
    from text_difuse.data import load_dataset
    from text_difuse.fuse import Fuser
    from text_difuse.degrade import degrade_protocol
    from text_difuse.io import rgb_to_ycbcr
    from text_difuse.restore import CHROMA, apply_chroma
    med = a.dataset == "harvard"
    fu = Fuser.from_pretrained("medical" if med else "ivif", chroma="diffused", colour=0, grain=0)   # the raw fusion; policies and repairs applied after
    model = lambda x: torch.from_numpy(rgb_to_ycbcr(np.asarray(x, np.float32)) * 2 - 1).permute(2, 0, 1)[None]
    if med:   # the colour (functional) tasks, a.n // 2 pairs each
        sets = [load_dataset("harvard", split=a.split, root=a.root, task=t) for t in ("PET-MRI", "SPECT-MRI")]
        items = [(ds, i) for ds in sets for i in np.linspace(0, len(ds) - 1, a.n // 2).round().astype(int)]
        protos, size = ("medical", "medical"), None
    else:
        ds = load_dataset("msrs", split=a.split, root=a.root)
        day = [i for i, g in enumerate(ds.groups) if g == "day"]
        items = [(ds, day[i]) for i in np.linspace(0, len(day) - 1, a.n).round().astype(int)]
        protos, size = ("infrared", "visible"), (320, 240)
    rs = (lambda x: cv2.resize(x, size, interpolation=cv2.INTER_AREA)) if size else (lambda x: x)
    from text_difuse.fcm import TASKS
    colours = [float(v) for v in a.colours.split(",") if v.strip()]
    base = TASKS.meta(fu.task)["chroma"]   # the task's policy, which the colour repair follows
    names = list(CHROMA.names()) + [f"{base} + colour repair {c:g} px" for c in colours]
    repairers = [Fuser(fu.restorer, fu.fcm, fu.task, colour=c) for c in colours]   # the same restorer and FCM, each blur
    err = {(p, c): [] for p in ("clean", "degraded") for c in names}
    sat = {k: [] for k in err}
    shift, clean_sat = {"clean": [], "degraded": []}, []
    for ds, i in items:
        d = ds[i]
        ir, vis = rs(d["a"]), rs(d["b"])
        ref = model(vis)[:, 1:]
        clean_sat.append(float(ref.abs().mean()) * 255 / 2)
        for prot, (A, B) in {"clean": (ir, vis), "degraded": (degrade_protocol(ir, protos[0], a.severity, 1000 + i),
                                                               degrade_protocol(vis, protos[1], a.severity, 2000 + i))}.items():
            f = model(fu.fuse(A, B, steps=a.steps, seed=i))
            shift[prot].append(((f[:, 1:] - ref).mean((0, 2, 3)) * 255 / 2).tolist())   # the model's own colour drift (Cb, Cr)
            for c in names:
                if c in CHROMA: cc = apply_chroma(f, model(B), c)[:, 1:]
                else:   # Fuser.colour_source / repair_colour at this blur, after the task's policy
                    fc = repairers[names.index(c) - len(CHROMA.names())]
                    cc = fc.repair_colour(apply_chroma(f, model(B), base), fc.colour_source(B, model(B)), tuple(f.shape[-2:]))[:, 1:]
                err[(prot, c)].append(float((cc - ref).abs().mean()) * 255 / 2)
                sat[(prot, c)].append(float(cc.abs().mean()) * 255 / 2)
        print(ds.names[i], {f"{p}/{c}": round(v[-1], 2) for (p, c), v in err.items()}, flush=True)
    rows = [dict(protocol=p, policy=c, chroma_err=round(float(np.mean(err[(p, c)])), 2), saturation=round(float(np.mean(sat[(p, c)])), 2))
            for (p, c) in err]
    for p in ("clean", "degraded"): rows.append(dict(protocol=p, policy="(clean visible)", chroma_err=0.0,
                                                      saturation=round(float(np.mean(clean_sat)), 2)))
    drift = {p: [round(float(v), 2) for v in np.mean(shift[p], 0)] for p in shift}
    for r in rows: print(r)
    print("diffused mean Cb/Cr - clean mean Cb/Cr:", drift)
    return dict(measure="chroma_err: mean |Cb - Cb_clean| + |Cr - Cr_clean| / 2, saturation: mean |Cb - 128| + |Cr - 128| / 2, "
                        "diffused_mean_shift: mean Cb, Cr of the 'diffused' fusion minus the clean colour source's (0-255 units)",
                dataset=a.dataset, split=a.split, pairs=[ds.names[i] for ds, i in items], severity=a.severity, rows=rows,
                diffused_mean_shift=drift)


def luma_policy(a):
    from text_difuse.degrade import degrade_protocol
    from text_difuse.io import luma as y_of
    from text_difuse.metrics import psnr, ssim
    from text_difuse.restore import Restorer, LUMA
    r = Restorer.from_pretrained("compact")
    luma = lambda x: float(y_of(x).mean())
    items = single_images(a)
    rows = []
    for j, (mod, proto, name, clean) in enumerate(items):
        for cond in ("clean", "degraded"):
            x = clean if cond == "clean" else degrade_protocol(clean, proto, a.severity, seed=3000 + j)
            for pol in LUMA.names():
                out = r.restore(x, steps=a.steps, seed=j, luma=pol)
                rows.append(dict(modality=mod, protocol=proto, input=cond, policy=pol, name=name, psnr=psnr(out, clean),
                                 ssim=ssim(out, clean), mean_err=luma(out) - luma(clean)))
        print(name, mod, {f"{q['input']}/{q['policy']}": round(q["psnr"], 2) for q in rows[-4:]}, flush=True)
    import pandas as pd
    df = pd.DataFrame(rows)
    g = df.groupby(["protocol", "modality", "input", "policy"], sort=False)
    summary = g.agg(psnr=("psnr", "mean"), ssim=("ssim", "mean"), mean_err=("mean_err", "mean"), abs_mean_err=("mean_err", lambda v: v.abs().mean()),
                    n=("psnr", "size")).round(4).reset_index()
    by_proto = df.groupby(["protocol", "input", "policy"], sort=False)[["psnr", "ssim"]].mean().round(3).reset_index()
    print(summary.to_string()); print(by_proto.to_string())
    return dict(measure="psnr / ssim against the clean image; mean_err: mean luma (Y, 0-1) of the output minus the clean image's",
                split=a.split, severity=a.severity, steps=a.steps, n_pairs=a.n, rows=summary.to_dict("records"),
                by_protocol=by_proto.to_dict("records"))


def fusion_ceiling(a):
    from text_difuse.fuse import Fuser
    from text_difuse.metrics import fusion_metrics, vifp, to_grey255
    from text_difuse.restore import Restorer, luma_for
    grey = lambda x: to_grey255(x) / 255.0
    fcms = dict(kv.split("=", 1) for kv in a.fcm.split(",")) if a.fcm else {}
    if set(fcms) - {"ivif", "medical"}: raise SystemExit(f"--fcm: tasks are ivif and medical, got {sorted(fcms)}")
    items = []   # (set, task, name, a, b, modality of b); MSRS: centre 256x320
    for st, task, name, x, y in probe_pairs(a):
        if st == "MSRS": items.append((st, "ivif", name, _centre(x, 256, 320), _centre(y, 256, 320), "visible"))
        else: items.append((st, "medical", name, x, y, "medical"))
    r0 = Restorer.from_pretrained(a.restorer)
    fusers = {t: Fuser.from_pretrained(t, fcm=fcms.get(t, "pretrained"), restorer=r0) for t in ("ivif", "medical")}
    rows = []
    for j, (st, task, name, sa, sb, mod_b) in enumerate(items):
        fu = fusers[task]; r = fu.restorer
        ya, yb = grey(sa), grey(sb)   # metrics are always against the clean sources
        if a.degraded:   # the fusion benchmark's protocols: MSRS infrared / visible, Harvard 'medical' on both
            from text_difuse.degrade import degrade_protocol
            pa, pb = ("infrared", "visible") if task == "ivif" else ("medical", "medical")
            sa, sb = degrade_protocol(sa, pa, a.severity, seed=1000 + j), degrade_protocol(sb, pb, a.severity, seed=2000 + j)
        ma = "infrared" if task == "ivif" else "medical"
        ra = grey(r.restore(sa, steps=a.steps, seed=j, luma=r.luma_of(ma), modality=ma if r.model.tone is not None else None))
        rb = grey(r.restore(sb, steps=a.steps, seed=j, luma=r.luma_of(mod_b), modality=mod_b if r.model.tone is not None else None))
        cands = {("max rule (degraded sources)" if a.degraded else "max rule (clean sources)"): np.maximum(grey(sa), grey(sb)), "ours (FCM)": grey(fu.fuse(sa, sb, steps=a.steps, seed=j)),
                 "a restored alone": ra, "b restored alone": rb, "max(a restored, b restored)": np.maximum(ra, rb)}
        for c, f in cands.items():
            rows.append(dict(set=st, name=name, candidate=c, **fusion_metrics(ya, yb, f)))
        rows.append(dict(set=st, name=name, candidate="identity fidelity", VIF_a=vifp(to_grey255(ya), to_grey255(ra)),
                         VIF_b=vifp(to_grey255(yb), to_grey255(rb))))
        print(st, name, {q["candidate"]: round(q.get("VIF", q.get("VIF_a", np.nan)), 3) for q in rows[-6:]}, flush=True)
    import pandas as pd
    df = pd.DataFrame(rows)
    summary = df.groupby(["set", "candidate"], sort=False).mean(numeric_only=True).round(4).reset_index()
    print(summary.to_string())
    return dict(measure="fusion metrics (EN, AG, SD, SCD, VIF against the clean sources) of each candidate; 'identity fidelity': "
                        "VIF of each clean source against its own restoration (1 = the restorer leaves a clean image unchanged)",
                split=a.split, steps=a.steps, n_pairs=a.n, msrs_crop=[256, 320], restorer=a.restorer,
                sources=f"degraded (protocols at severity {a.severity})" if a.degraded else "clean",
                restorer_sha256=r0.manifest.get("sha256"), fcm={t: f.manifest.get("file") for t, f in fusers.items()},
                fcm_sha256={t: f.manifest.get("sha256") for t, f in fusers.items()},
                rows=[{k: v for k, v in q.items() if not (isinstance(v, float) and np.isnan(v))} for q in summary.to_dict("records")])


def fidelity(a):
    from text_difuse.degrade import degrade_protocol
    from text_difuse.metrics import psnr, vifp, to_grey255
    from text_difuse.restore import Restorer, luma_for
    items = [("CT/PET/SPECT" if p == "medical" and m != "MRI" else m, p, p, name, x) for m, p, name, x in single_images(a)]
    rows, parts = [], a.parts.split(",")
    for q in parts:   # 'grain:S': the full restorer with the grain filter at strength S
        if q.startswith("grain:"): _PARTS[q] = (lambda s: lambda r, x, kw: r.restore(x, grain=s, **kw))(float(q.split(":", 1)[1]))
    if set(parts) - set(_PARTS): raise SystemExit(f"--parts: unknown {sorted(set(parts) - set(_PARTS))}; known: {', '.join(_PARTS)}, grain:S")
    for w in a.weights.split(","):
        r = Restorer.from_pretrained(w)
        luma = lambda lm: a.luma or r.luma_of(None if r.model.cfg.global_context else lm)   # as `restore` picks it, unless --luma
        for part in parts:
            if part != "full" and r.model.tone is None: continue
            for j, (mod, proto, lm, name, clean) in enumerate(items):
                told = lm if r.model.tone is not None and not a.auto else None   # a tone head is told the modality, as fusion tells it (--auto: as `restore` by default)
                run = lambda x: _PARTS[part](r, x, dict(steps=a.steps, seed=j, luma=luma(lm), modality=told))
                same = run(clean)
                deg = degrade_protocol(clean, proto, a.severity, seed=3000 + j)
                out = run(deg)
                dcb, dcr = _chroma_shift(same, clean)
                rows.append(dict(weights=w, part=part, iterations=r.manifest.get("iterations"), p_clean=(r.manifest.get("data") or {}).get("p_clean"),
                                 modality=mod, name=name, identity_vif=vifp(to_grey255(clean), to_grey255(same)),
                                 identity_psnr=psnr(same, clean), identity_dcb=dcb, identity_dcr=dcr, degraded_psnr=psnr(out, clean),
                                 **(_odds(r, deg) if a.auto else {})))
            print(w, part, {k: round(float(np.nanmean([q[k] for q in rows if q["weights"] == w and q["part"] == part])), 3) for k in ("identity_vif", "identity_psnr", "degraded_psnr")}, flush=True)
    import pandas as pd
    df = pd.DataFrame(rows)
    cols = ["identity_vif", "identity_psnr", "identity_dcb", "identity_dcr", "degraded_psnr", *[c for c in df.columns if c.startswith("odds_")]]
    by_mod = df.groupby(["weights", "part", "iterations", "p_clean", "modality"], sort=False, dropna=False)[cols].mean().round(4).reset_index()
    overall = df.groupby(["weights", "part", "iterations", "p_clean"], sort=False, dropna=False)[cols].mean().round(4).reset_index()
    print(by_mod.to_string()); print(overall.to_string())
    return dict(measure="identity_*: the restoration of a clean image against itself (VIF, PSNR dB); degraded_psnr: the restoration of its "
                        "degraded copy against the clean image (dB); identity_dcb / dcr: mean Cb / Cr shift of a clean colour image (0-255; "
                        "NaN for grey); brightness by restore.MODALITY_LUMA, or the network's own where it has the whole-image context",
                split=a.split, steps=a.steps, severity=a.severity, n_pairs=a.n, modality_told=not a.auto, parts=parts, by_modality=by_mod.to_dict("records"), overall=overall.to_dict("records"))


def _tone_only(r, img, kw) -> np.ndarray:
    "The tone head's whole-image correction alone (no diffusion step), as an image like `img`."
    from text_difuse.unet import image_tensor, from_model
    c = r.prepare(image_tensor(img, r.device), kw["modality"])[0].permute(1, 2, 0).float().cpu().numpy()
    return from_model(c, grey=np.asarray(img).ndim == 2)


# fidelity --parts: where identity is lost, the whole restorer, its U-Net without the tone head, the tone head alone
_PARTS = {"full": lambda r, x, kw: r.restore(x, **kw), "no-tone": lambda r, x, kw: r.restore(x, tone=False, **kw), "tone-only": _tone_only,
          "no-grain": lambda r, x, kw: r.restore(x, grain=0, **kw)}


def _odds(r, img) -> dict:
    "What a classifying tone head takes `img` for (`odds_visible` / `odds_infrared` / `odds_medical`); empty without one."
    return {f"odds_{k}": v for k, v in (r.modality_odds(img) or {}).items()}


def _chroma_shift(out, ref):
    "Mean Cb and Cr of `out` minus `ref` (0-255 units); NaN for grey images."
    from text_difuse.io import rgb_to_ycbcr
    if np.asarray(ref).ndim == 2: return float("nan"), float("nan")
    d = (rgb_to_ycbcr(np.asarray(out, np.float32)) - rgb_to_ycbcr(np.asarray(ref, np.float32) / (255.0 if ref.dtype == np.uint8 else 1.0))).mean((0, 1)) * 255
    return float(d[1]), float(d[2])


def _exposure_figure(shown: dict, path: str):
    "One row per kind of image: the input, each restorer's output, the clean image (grey, 0-255 scale, mean in the title)."
    import matplotlib; matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    cols = ["input", *[k for k in next(iter(shown.values())) if k not in ("input", "clean")], "clean"]
    fig, axes = plt.subplots(len(shown), len(cols), figsize=(2.6 * len(cols), 2.8 * len(shown)), squeeze=False)
    for i, (kind, ims) in enumerate(shown.items()):
        for j, c in enumerate(cols):
            axes[i, j].imshow(ims[c], cmap="gray", vmin=0, vmax=1); axes[i, j].axis("off")
            axes[i, j].set_title(f"{kind}\n{c}: mean {255 * ims[c].mean():.0f}" if j == 0 else f"{c}: mean {255 * ims[c].mean():.0f}", fontsize=7)
    fig.tight_layout(); fig.savefig(path, dpi=80); plt.close(fig)


def exposure_items(split: str, n: int, root=None, crop=_centre) -> list:
    "The `exposure` probe's images: (kind, name, clean image, degradation spec) of n RoadScene photos made grey, then n MSRS --split infrared nights clean and n noisy; `crop` (None: whole images)."
    from text_difuse.data import load_dataset
    from text_difuse.repro import evenly
    from text_difuse.io import luma as to_luma
    crop = crop or (lambda x: x)
    rs, ms = load_dataset("roadscene", None, root), load_dataset("msrs", split=split, root=root)
    night = [i for i, g in enumerate(ms.groups) if g == "night"]
    items = [("grey photo, low light + noise", rs.names[i], crop(to_luma(rs[i]["b"].astype(np.float32) / 255.0 if rs[i]["b"].dtype == np.uint8 else rs[i]["b"])),
              [("low_light", 0.6), ("gaussian_noise", 0.3)]) for i in evenly(list(range(len(rs))), n)]
    return items + [(f"infrared night{', noise' if k else ', clean'}", ms.names[i], crop(ms[i]["a"]), [("gaussian_noise", 0.3)] if k else [])
                    for k in (0, 1) for i in evenly(night, n)]


def exposure(a):
    """What `restore` does by default (--modality auto) with grey images whose exposure differs for a reason: RoadScene
    visible photos made grey and dark (low light 0.6 + noise 0.3) should be brightened; MSRS infrared night scenes (dark by
    nature, clean or with noise 0.3) should stay as dark. Mean brightness (0-255) and PSNR against the clean image."""
    from text_difuse.degrade import apply_spec
    from text_difuse.metrics import psnr
    from text_difuse.restore import Restorer, luma_for
    items = exposure_items(a.split, a.n, a.root)
    rows, shown = [], {}
    for w in a.weights.split(","):
        r = Restorer.from_pretrained(w)
        luma = a.luma or r.luma_of(None if r.model.cfg.global_context else "infrared")   # what `restore --modality auto` picks for grey, unless --luma
        for j, (kind, name, clean, spec) in enumerate(items):
            clean = clean.astype(np.float32) / 255.0 if clean.dtype == np.uint8 else clean.astype(np.float32)
            deg = apply_spec(clean, spec, seed=4000 + j) if spec else clean
            out = r.restore(deg, steps=a.steps, seed=j, luma=luma)
            rows.append(dict(weights=w, iterations=r.manifest.get("iterations"), luma=luma, kind=kind, name=name,
                             mean_clean=255 * float(clean.mean()), mean_input=255 * float(deg.mean()), mean_output=255 * float(out.mean()),
                             psnr_input=psnr(deg, clean), psnr_output=psnr(out, clean), **_odds(r, deg)))
            if j % a.n == 0: shown.setdefault(kind, {"input": deg, "clean": clean})[f"{Path(w).stem} ({r.manifest.get('iterations')} it)"] = out
    _exposure_figure(shown, f"results/probes/exposure-{a.split}{'-' + a.tag if a.tag else ''}.png")
    import pandas as pd
    df = pd.DataFrame(rows)
    cols = ["mean_clean", "mean_input", "mean_output", "psnr_input", "psnr_output", *[c for c in df.columns if c.startswith("odds_")]]
    by = df.groupby(["weights", "iterations", "luma", "kind"], sort=False)[cols].mean().round(3).reset_index()
    print(by.to_string())
    return dict(measure=exposure.__doc__.replace("\n    ", " "), split=a.split, steps=a.steps, n=a.n, by_kind=by.to_dict("records"), rows=df.round(4).to_dict("records"))


def guidance(a):
    from text_difuse.baselines import FUSERS, fuse_pair
    from text_difuse.degrade import degrade_protocol
    from text_difuse.fuse import Fuser
    from text_difuse.metrics import fusion_metrics
    from text_difuse.restore import Restorer
    r0 = Restorer.from_pretrained(a.restorer)
    fusers = {t: Fuser.from_pretrained(t, restorer=r0) for t in ("ivif", "medical")}
    win = lambda w: None if w in ("", "none", "None") else float(w)
    lohis = [None] if not a.lohis else [tuple(float(v) for v in q.split(":")) for q in a.lohis.split(",")]
    grid = [(0.0, None, None, None, None)] * a.unguided + [(1.0, float(s), float(g), win(w), lh) for s in a.sigmas.split(",") for g in a.gains.split(",")
                                                            for w in a.windows.split(",") for lh in lohis]
    defaults = {t: dict(f.guidance) for t, f in fusers.items()}
    rows, gates = [], []
    for j, (st, task, name, x, y) in enumerate(probe_pairs(a)):
        fu = fusers["ivif" if st == "MSRS" else "medical"]
        dx, dy = (degrade_protocol(x, "infrared", a.severity, 4000 + j), degrade_protocol(y, "visible", a.severity, 5000 + j)) if st == "MSRS" else \
                 (degrade_protocol(x, "medical", a.severity, 4000 + j), degrade_protocol(y, "medical", a.severity, 5000 + j))
        for m in FUSERS.names(): rows.append(dict(set=st, name=name, config=m, **fusion_metrics(x, y, fuse_pair(x, y, m))))
        for f, sg, gn, wn, lh in grid:
            fu.guidance = dict(defaults[fu.task])
            if f: fu.guidance.update(sigma=sg, gain=gn, window=wn, **(dict(lo=lh[0], hi=lh[1]) if lh else {}))
            cfg = "ours" if not f else f"ours sigma={sg:g} gain={gn:g}" + (f" window={wn:g}" if wn else "") + (f" lo={lh[0]:g} hi={lh[1]:g}" if lh else "")
            out = fu.fuse(x, y, steps=a.steps, seed=j, tile=a.tile or None, fidelity=f)
            rows.append(dict(set=st, name=name, config=cfg, **fusion_metrics(x, y, out)))
            if a.score_degraded:   # the same config on the protocol-degraded sources, scored against the clean ones
                rows.append(dict(set=st + " degraded", name=name, config=cfg, **fusion_metrics(x, y, fu.fuse(dx, dy, steps=a.steps, seed=j, tile=a.tile or None, fidelity=f))))
        fu.guidance = dict(defaults[fu.task])
        gates.append(dict(set=st, name=name, clean=fu.gates(x, y), degraded=fu.gates(dx, dy)))
        print(st, name, {q["config"]: round(q["VIF"], 3) for q in rows if q["name"] == name and q["set"] == st and q["config"].startswith("ours")}, gates[-1], flush=True)
    import pandas as pd
    df = pd.DataFrame(rows)
    metrics = ["EN", "AG", "SD", "SCD", "VIF"]
    mean = df.groupby(["set", "config"], sort=False)[metrics].mean()
    score = []
    for (st, cfg), v in mean.iterrows():
        if not cfg.startswith("ours") or st.endswith(" degraded"): continue
        best = mean.loc[st].drop([c for c in mean.loc[st].index if c.startswith("ours")]).max()
        score.append(dict(set=st, config=cfg, beats_all_baselines=int((v > best).sum()), **v.round(4).to_dict()))
    score = pd.DataFrame(score)
    total = score.groupby("config", sort=False).agg(beats=("beats_all_baselines", "sum"), VIF=("VIF", "mean")).reset_index()
    pick = total.sort_values(["beats", "VIF"], ascending=False).iloc[0].config
    print(score.to_string()); print(total.to_string()); print("selected:", pick)
    return dict(measure="five fusion metrics (clean sources) of ours without / with source-detail guidance (fidelity 1) per (sigma, gain), "
                        "and of every classical baseline; beats_all_baselines: metrics on which a config beats every baseline's mean; "
                        "selected: most such metrics over MSRS + Harvard, ties by mean VIF; gates: guide.cleanliness of the clean and "
                        "of the degraded (--severity protocols) sources",
                split=a.split, steps=a.steps, n_pairs=a.n, tile=a.tile, unguided=a.unguided, restorer_sha256=r0.manifest.get("sha256"),
                fcm_sha256={t: f.manifest.get("sha256") for t, f in fusers.items()}, lo_hi=[fusers["ivif"].guidance["lo"], fusers["ivif"].guidance["hi"]],
                selected=pick, totals=total.to_dict("records"), rows=score.to_dict("records"), lohis=a.lohis, restorer=a.restorer,
                degraded=mean.loc[[i for i in mean.index if i[0].endswith(" degraded")]].round(4).reset_index().to_dict("records") if a.score_degraded else None,
                baselines=mean.drop([i for i in mean.index if i[1].startswith("ours")]).round(4).reset_index().to_dict("records"), gates=gates)


def grain(a):
    """Where `restore` loses to the classical pipeline on degraded MSRS visible images (--n whole images of --split, the
    'visible' protocol at --severity): PSNR and mean brightness of the restorer's diffusion output (--grain 0), of its
    default output (with `restore.degrain`), of the diffusion output after plain non-local means
    (`baselines.denoise`, noise read from the output), of the classical pre-enhancement (white balance, low light,
    denoise), and the high-pass energy (mean |luma - its 2 px blur|, 0-255) of each against the clean image's: the
    grain the 1-step restorer leaves."""
    import cv2
    from text_difuse.data import load_dataset
    from text_difuse.degrade import degrade_protocol
    from text_difuse.restore import Restorer
    from text_difuse.metrics import psnr
    from text_difuse.baselines import pre_enhance, denoise
    from text_difuse.io import luma
    from text_difuse.repro import evenly
    r = Restorer.from_pretrained(a.restorer)
    ds = load_dataset("msrs", split=a.split, root=a.root)
    f32 = lambda x: x.astype(np.float32) / 255 if x.dtype == np.uint8 else x.astype(np.float32)
    hp = lambda x: float(np.abs(luma(x) - cv2.GaussianBlur(luma(x), (0, 0), 2)).mean() * 255)
    rows = []
    for j, i in enumerate(evenly(list(range(len(ds))), a.n)):
        clean = f32(ds[i]["b"]); deg = degrade_protocol(clean, "visible", a.severity, seed=2000 + j)
        out = r.restore(deg, steps=a.steps, seed=j, modality="visible", grain=0)   # the diffusion output itself, before `restore.degrain`
        for name, x in (("clean", clean), ("degraded input", deg), ("restore --grain 0", out), ("restore (default: + degrain)", r.restore(deg, steps=a.steps, seed=j, modality="visible")),
                        ("restore --grain 0 + non-local means", denoise(out)),
                        ("classical pre-enhancement", f32(pre_enhance(deg)))):
            rows.append(dict(image=ds.names[i], output=name, psnr=np.nan if name == "clean" else psnr(clean, x),
                             mean=float(luma(x).mean() * 255), highpass=hp(x)))
    import pandas as pd
    df = pd.DataFrame(rows)
    summary = df.groupby("output", sort=False).mean(numeric_only=True).round(3).reset_index()
    print(summary.to_string())
    return dict(measure=grain.__doc__.split("\n\n")[0].replace("\n    ", " "), split=a.split, severity=a.severity, steps=a.steps, n=a.n,
                restorer=a.restorer, restorer_sha256=r.manifest.get("sha256"), rows=summary.to_dict("records"))


def noise_levels(a):
    from text_difuse.data import load_dataset
    from text_difuse.degrade import degrade_protocol, apply_spec
    from text_difuse.guide import noise_sigma
    from text_difuse.repro import evenly
    sets = [("MSRS", "msrs", {}, ("infrared", "visible")), ("RoadScene", "roadscene", {}, ("infrared", "visible"))] + \
           [(f"Harvard {t}", "harvard", dict(task=t), ("medical", "medical")) for t in ("CT-MRI", "PET-MRI", "SPECT-MRI")]
    rows = []
    for label, name, kw, protos in sets:
        ds = load_dataset(name, split=a.split if name != "roadscene" else None, root=a.root, **kw)
        for j, i in enumerate(evenly(list(range(len(ds))), a.n)):
            d = ds[i]
            for src, proto in zip(("a", "b"), protos):
                x = d[src]
                row = dict(set=label, name=ds.names[i], source=src, clean=noise_sigma(x))
                for sev in (0.25, 0.5):
                    row[f"protocol {sev}"] = noise_sigma(degrade_protocol(x, proto, sev, 6000 + j))
                    row[f"stripes {sev}"] = noise_sigma(apply_spec(x, [("stripe_noise", sev)], 7000 + j))
                rows.append(row)
    import pandas as pd
    df = pd.DataFrame(rows)
    cols = [c for c in df.columns if c not in ("set", "name", "source")]
    q = df.groupby("set", sort=False)[cols].quantile([0.0, 0.5, 0.9, 1.0]).round(4)
    print(q.to_string())
    return dict(measure="guide.noise_sigma (noise std of the luma on [0, 1]: max of the wavelet MAD and the stripe estimate) of clean sources, "
                        "of sources degraded by their benchmark protocol (MSRS / RoadScene: infrared, visible; Harvard: medical) and by stripe noise "
                        "alone, at two severities; quantiles 0 / 0.5 / 0.9 / 1 over both sources of --n pairs per set (what guide.GUIDANCE lo / hi separate)",
                split=a.split, n_pairs=a.n, quantiles=q.reset_index().rename(columns={"level_1": "quantile"}).to_dict("records"))


def table3_budget(a):
    """How much a larger fine-tune budget buys one Table 3 row (--row, default infrared): the row's detector fine-tuned again
    from the committed table's pretrained detector, on the same images, under each --variants setting (JSON list of
    ultralytics train overrides; epochs / imgsz default to the table's), scored on validation and test at its imgsz."""
    import json, torch
    from text_difuse.detector import ultralytics, per_class_ap
    torch.set_num_threads(a.threads)
    U, det = ultralytics(), Path("results/detection")
    pre, row = json.loads((det / "pretrain.json").read_text()), json.loads((det / "rows" / f"{a.row}.json").read_text())
    prm = json.loads((det / "params.json").read_text())["params"]
    init, rd = Path(pre["run"]) / "run" / "weights" / "best.pt", Path(row["details"]["run"])
    data = next(rd.glob("data_*/data.yaml"))
    if not init.exists(): raise FileNotFoundError(f"{init}: the table's pretrained detector is not on this machine (run nbs/repro/detection.ipynb first)")
    proj = str(Path("runs/probes/table3_budget").resolve())   # absolute: ultralytics puts a relative project under runs/detect
    rows = [dict(variant="committed table", epochs=prm["epochs"], imgsz=prm["imgsz"], val_map50=row["details"]["val_map50"], test_map50=row["details"]["test_map50"])]
    for j, v in enumerate(json.loads(a.variants)):
        kw = dict(data=str(data), epochs=prm["epochs"], imgsz=prm["imgsz"], batch=prm["batch"], pretrained=str(init), amp=False, device="cpu",
                  seed=prm["seed"], deterministic=True, project=proj, name=f"{a.row}-{j}", exist_ok=True, plots=False,
                  workers=0, verbose=False)
        kw.update(v)
        U.YOLO(str(init)).train(**kw)
        best = Path(kw["project"]) / kw["name"] / "weights" / "best.pt"
        sc = {}
        for split in ("val", "test"):
            r = U.YOLO(str(best)).val(data=str(data), split=split, imgsz=kw["imgsz"], batch=kw["batch"], device="cpu", plots=False, verbose=False,
                                      workers=0, project=proj, name=f"{a.row}-{j}-{split}", exist_ok=True)
            sc[f"{split}_map50"] = round(float(r.box.map50), 4)
            sc.update({f"{split} AP50 {c}": x for c, x in per_class_ap(r.box)["per_class_map50"].items()})
        rows.append(dict(variant=json.dumps(v), epochs=kw["epochs"], imgsz=kw["imgsz"], **sc)); print(rows[-1], flush=True)
    return dict(measure=table3_budget.__doc__.replace("\n    ", " "), row=a.row, pretrained=str(init), pretrained_sha256=pre["sha256"], rows=rows)


def retone(a):
    """Fusion with each `--retones` setting (fuse.Fuser retone: the sources whose condition is moved towards the tone
    head's correction by how noisy they read; '' = off), on clean and on degraded pairs (the fusion benchmark's protocols
    at --severity; metrics against the clean sources): five fusion metrics, colour error against the clean colour source,
    mean brightness of the fused image and of the clean b source (0-255), and each source's gate (1 = reads clean)."""
    from text_difuse.degrade import degrade_protocol
    from text_difuse.fuse import Fuser
    from text_difuse.metrics import fusion_metrics, chroma_error
    from text_difuse.restore import Restorer
    r0 = Restorer.from_pretrained(a.restorer)
    fusers = {t: Fuser.from_pretrained(t, restorer=r0) for t in ("ivif", "medical")}
    mean255 = lambda x: float(np.asarray(x, np.float32).mean() * (1.0 if np.asarray(x).dtype == np.uint8 else 255.0))
    rows = []
    for j, (st, task, name, x, y) in enumerate(probe_pairs(a)):
        if st == "MSRS": x, y = _centre(x, 256, 320), _centre(y, 256, 320)
        fu = fusers["ivif" if st == "MSRS" else "medical"]
        pa, pb = ("infrared", "visible") if st == "MSRS" else ("medical", "medical")
        for src, (sa, sb) in (("clean", (x, y)), ("degraded", (degrade_protocol(x, pa, a.severity, seed=1000 + j), degrade_protocol(y, pb, a.severity, seed=2000 + j)))):
            ga, gb = fu.gates(sa, sb)
            for rt in a.retones.split(","):
                fu.retone = rt
                f = fu.fuse(sa, sb, steps=a.steps, seed=j)
                rows.append(dict(set=st, sources=src, retone=rt or "off", name=name, gate_a=ga, gate_b=gb, colour_err=chroma_error(f, y) if np.asarray(y).ndim == 3 else np.nan,
                                 mean_fused=mean255(f), mean_b_clean=mean255(y), **fusion_metrics(x, y, f)))
            print(st, src, name, {q["retone"]: round(q["VIF"], 3) for q in rows[-len(a.retones.split(",")):]}, flush=True)
    import pandas as pd
    df = pd.DataFrame(rows)
    summary = df.groupby(["set", "sources", "retone"], sort=False).mean(numeric_only=True).round(4).reset_index()
    print(summary.to_string())
    return dict(measure=retone.__doc__.replace("\n    ", " "), split=a.split, steps=a.steps, n_pairs=a.n, severity=a.severity, msrs_crop=[256, 320],
                restorer=a.restorer, restorer_sha256=r0.manifest.get("sha256"), fcm_sha256={t: f.manifest.get("sha256") for t, f in fusers.items()},
                rows=[{k: v for k, v in q.items() if not (isinstance(v, float) and np.isnan(v))} for q in summary.to_dict("records")],
                per_pair=[{k: (round(v, 4) if isinstance(v, float) else v) for k, v in q.items() if not (isinstance(v, float) and np.isnan(v))} for q in rows])


def visible_exposure(a):
    """Where `restore` loses on MSRS visible: --n day and --n night visible images of --split, degraded by the visible
    protocol at --severity, restored told 'visible'. Mean brightness (0-255) of the clean, degraded, tone-corrected
    (the tone head alone) and restored images, PSNR of the tone-corrected and restored images, and, as a diagnosis
    only, PSNR of the restoration scaled to the clean image's mean (an oracle gain: what exposure alone costs)."""
    from text_difuse.data import load_dataset
    from text_difuse.degrade import degrade_protocol
    from text_difuse.metrics import psnr
    from text_difuse.repro import evenly
    from text_difuse.restore import Restorer
    r = Restorer.from_pretrained(a.restorer)
    ms = load_dataset("msrs", split=a.split, root=a.root)
    f = lambda x: x.astype(np.float32) / (255.0 if x.dtype == np.uint8 else 1.0)
    rows = []
    for g in ("day", "night"):
        for j, i in enumerate(evenly([k for k, gg in enumerate(ms.groups) if gg == g], a.n)):
            clean = f(ms[i]["b"]); deg = degrade_protocol(clean, "visible", a.severity, seed=7 + j)
            tone, out = _tone_only(r, deg, dict(modality="visible")), r.restore(deg, steps=a.steps, seed=j, modality="visible")
            rows.append(dict(group=g, name=ms.names[i], mean_clean=255 * float(clean.mean()), mean_degraded=255 * float(deg.mean()),
                             mean_tone=255 * float(tone.mean()), mean_restored=255 * float(out.mean()), psnr_tone=psnr(tone, clean),
                             psnr_restored=psnr(out, clean), psnr_restored_oracle_gain=psnr(np.clip(out * clean.mean() / max(out.mean(), 1e-6), 0, 1), clean)))
    import pandas as pd
    df = pd.DataFrame(rows)
    by = df.groupby("group", sort=False).mean(numeric_only=True).round(3).reset_index()
    print(df.round(2).to_string()); print(by.to_string())
    return dict(measure=visible_exposure.__doc__.replace("\n    ", " "), split=a.split, steps=a.steps, n=a.n, severity=a.severity, restorer=a.restorer,
                restorer_sha256=r.manifest.get("sha256"), by_group=by.to_dict("records"), rows=df.round(4).to_dict("records"))


def noise_stat(a):
    """The tone head's noise statistic (`unet.noise_sigma` of Y in the network's [-1, 1] units, the last entry of `cond_stats`)
    on --n day and --n night MSRS visible images of --split: the clean full image, the clean image as training shows it
    (4 `PairSampler`-style views each: a 128-384 px square resized to 128-192 px), and the full image degraded by the
    visible protocol at --severity. Medians and 10 / 90 % quantiles per group."""
    import cv2, torch
    from text_difuse.data import load_dataset
    from text_difuse.degrade import degrade_protocol
    from text_difuse.repro import evenly
    from text_difuse.unet import to_model, noise_sigma
    ms = load_dataset("msrs", split=a.split, root=a.root)
    f = lambda x: x.astype(np.float32) / (255.0 if x.dtype == np.uint8 else 1.0)
    sig = lambda im: float(noise_sigma(torch.from_numpy(np.ascontiguousarray(to_model(im)[..., 0]))[None, None])[0])
    rng, rows = np.random.default_rng(0), []
    for g in ("day", "night"):
        for j, i in enumerate(evenly([k for k, gg in enumerate(ms.groups) if gg == g], a.n)):
            img = f(ms[i]["b"]); h, w = img.shape[:2]
            rows.append(dict(group=g, kind="clean, full image", sigma=sig(img)))
            rows.append(dict(group=g, kind=f"protocol {a.severity}, full image", sigma=sig(degrade_protocol(img, "visible", a.severity, seed=8000 + j))))
            for _ in range(4):
                v = int(min(h, w, round(128 * rng.uniform(1, 3)))); r = max(128, int(round(128 * rng.uniform(1, 1.5))))
                y, x = rng.integers(0, h - v + 1), rng.integers(0, w - v + 1)
                view = cv2.resize(img[y:y + v, x:x + v], (r, r), interpolation=cv2.INTER_AREA if r < v else cv2.INTER_CUBIC)
                rows.append(dict(group=g, kind="clean, training views", sigma=sig(view)))
    import pandas as pd
    df = pd.DataFrame(rows)
    q = df.groupby(["group", "kind"], sort=False)["sigma"].quantile([0.1, 0.5, 0.9]).unstack().round(4).reset_index()
    q.columns = [str(c) for c in q.columns]
    print(q.to_string())
    return dict(measure=noise_stat.__doc__.replace("\n    ", " "), split=a.split, n=a.n, severity=a.severity, quantiles=q.to_dict("records"))


PROBES = {"table3-budget": table3_budget, "remod-lr": remod_lr, "chroma": chroma, "chroma-policy": chroma_policy, "luma-policy": luma_policy, "fusion-ceiling": fusion_ceiling, "fidelity": fidelity, "guidance": guidance, "noise-levels": noise_levels, "exposure": exposure, "grain": grain, "retone": retone, "visible-exposure": visible_exposure, "noise-stat": noise_stat}

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("probe", choices=sorted(PROBES))
    p.add_argument("--root", default=None, help="data root (default: $TEXT_DIFUSE_DATA, else ../shared/data)")
    p.add_argument("--steps", type=int, default=0, help="sampling steps (default 0: each restorer's own default, from its formulation, as the commands use)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--pair", default="00095D", help="remod-lr: MSRS test pair")
    p.add_argument("--prompt", default="people")
    p.add_argument("--locator", default="yolo")
    p.add_argument("--pairs", default="00095D,01070N", help="chroma: MSRS test pairs")
    p.add_argument("--split", default="test", help="chroma-policy / luma-policy / fusion-ceiling / fidelity: split (train: selection, test: report)")
    p.add_argument("--dataset", default="msrs", choices=["msrs", "harvard"], help="chroma-policy: MSRS day pairs or Harvard PET/SPECT-MRI pairs")
    p.add_argument("--n", type=int, default=8, help="chroma-policy: day pairs, evenly spaced; luma-policy / fusion-ceiling / fidelity: MSRS and Harvard pairs each")
    p.add_argument("--weights", default="compact", help="fidelity / exposure: comma-separated restorer weights (names or .pt files with manifests)")
    p.add_argument("--parts", default="full", help="fidelity: which parts of each restorer to score: full, no-tone (its U-Net without the tone head), tone-only (the tone head alone), no-grain (restore without degrain), grain:S (degrain at strength S)")
    p.add_argument("--luma", default=None, help="fidelity / exposure: brightness policy for every restorer (free, anchored; default: what `restore` picks for it)")
    p.add_argument("--auto", action="store_true", help="fidelity: the tone head is not told the modality (what `restore --modality auto`, the default, does)")
    p.add_argument("--restorer", default="compact", help="fusion-ceiling: restorer weights (name or .pt with manifest)")
    p.add_argument("--fcm", default="", help="fusion-ceiling: FCM weights per task, e.g. ivif=a.pt,medical=b.pt (default: the shipped ones)")
    p.add_argument("--severity", type=float, default=0.5, help="chroma-policy / luma-policy / fidelity: degradation protocol severity")
    p.add_argument("--sigmas", default="8,16,32", help="guidance: detail-band scales (px) to try")
    p.add_argument("--gains", default="1,1.3,1.6", help="guidance: detail gains to try")
    p.add_argument("--windows", default="none", help="guidance: detail-energy windows (px) to try; none: the detail-band scale")
    p.add_argument("--sets", default="msrs,harvard", help="luma-policy / fusion-ceiling / fidelity / guidance: which of MSRS and Harvard to draw pairs from")
    p.add_argument("--lohis", default="", help="guidance: cleanliness gate bounds lo:hi to try, comma-separated (default: the fuser's)")
    p.add_argument("--score-degraded", action="store_true", help="guidance: also fuse each pair's protocol-degraded sources (--severity) with every config, scored against the clean ones")
    p.add_argument("--tile", type=int, default=0, help="guidance: fusion tile size (0: whole image)")
    p.add_argument("--colours", default="1,2,4", help="chroma-policy: Fuser colour-repair blurs (px) to score after the task's policy")
    p.add_argument("--degraded", action="store_true", help="fusion-ceiling: degrade the sources first (the fusion benchmark's protocols at --severity); metrics still against the clean sources")
    p.add_argument("--unguided", action=argparse.BooleanOptionalAction, default=True, help="guidance: also run ours without guidance")
    p.add_argument("--row", default="infrared", help="table3-budget: the Table 3 row")
    p.add_argument("--variants", default='[{"warmup_epochs": 0}, {"epochs": 20}, {"imgsz": 416}]', help="table3-budget: JSON list of ultralytics train overrides")
    p.add_argument("--retones", default=",b,ab", help="retone: comma-separated Fuser retone settings ('' = off)")
    p.add_argument("--tag", default="", help="suffix of the output name (keeps runs with other weights apart)")
    a = p.parse_args()
    import json, torch
    from text_difuse.repro import out_dir, save_params
    torch.set_num_threads(a.threads)
    od = out_dir("probes", "results/probes")
    t0 = time.time()
    res = PROBES[a.probe](a)
    name = a.probe + (f"{'-harvard' if a.dataset == 'harvard' else ''}-{a.split}" if a.probe == "chroma-policy" else
                      f"-{a.split}" if a.probe in ("luma-policy", "fusion-ceiling", "fidelity", "guidance", "noise-levels", "exposure", "grain", "retone", "visible-exposure") else "")
    name += f"-{a.tag}" if a.tag else ""
    (od / f"{name}.json").write_text(json.dumps(res, indent=1) + "\n")
    save_params(od, dict(vars(a), wall_seconds=round(time.time() - t0, 1)), name=f"{name}.params.json")
    print(f"wrote {od / (name + '.json')}")
