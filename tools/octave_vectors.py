#!/usr/bin/env python
"""Reference values of the fusion metrics from the image-fusion community's own MATLAB code, run unchanged in GNU
Octave, written to tests/vectors/octave_vectors.json (the inputs: tests/vectors/<case>_{A,B,F}.npy for the synthetic
cases; the MSRS cases are crops of the data root's MSRS test pairs, rebuilt by `msrs_case` and never committed).

Not part of CI (CI reads the committed JSON). Needs `octave` with the `image` package (Debian: apt-get install octave
octave-image) and local copies of the two MATLAB collections, used as they are:

  git clone https://github.com/Linfeng-Tang/Evaluation-for-Image-Fusion  TANG      (folder TANG/Evaluation)
  git clone https://github.com/xingchenzhang/VIFB                          VIFB      (folder VIFB/metrics)
  .venv/bin/python tools/octave_vectors.py --tang TANG/Evaluation --vifb VIFB/metrics [--tang-commit C] [--vifb-commit C]

The MATLAB files stay where they are (they are added to Octave's path); only a driver script is written, to a
temporary folder. Calls (the fused image F, sources A, B; uint8 images, *f = im2double(*)*255 as analysis_Reference.m):
Tang: analysis_Qabf(Af,Bf,Ff), analysis_nabf(Ff,Af,Bf) (fused first, the function's own signature) and
analysis_nabf(Af,Bf,Ff) (the argument order of analysis_Reference.m), MI_evaluation(A,B,F,256), SF_evaluation(Ff),
CC_evaluation(Af,Bf,Ff), PSNR_evaluation, MSE_evaluation, analysis_ms_ssim(cat(3,Af,Bf),Ff), entropy(F),
vifp_mscale, AG_evaluation, SD_evaluation, analysis_SCD. VIFB (as compute_metrics.m calls them, visible first):
metricsSsim, metricsQabf, metricsMutinf, metricsSpatial_frequency, metricsPsnr.
"""
from __future__ import annotations
import argparse, json, subprocess, sys, tempfile
from pathlib import Path
import numpy as np

REPO = Path(__file__).resolve().parents[1]
VEC = REPO / "tests" / "vectors"
OUT = VEC / "octave_vectors.json"

# (case, pair name of the MSRS test split, crop (top, left, height, width), fusion rule of F)
MSRS_CASES = [("msrs_day_mean", "00095D", (180, 250, 96, 128), "mean"),
              ("msrs_night_max", "00702N", (200, 300, 96, 128), "max")]

TANG_CALLS = {
    "QABF": "analysis_Qabf(Af, Bf, Ff)",
    "NABF": "analysis_nabf(Ff, Af, Bf)",
    "NABF_tang_order": "analysis_nabf(Af, Bf, Ff)",
    "MI": "MI_evaluation(A, B, F, 256)",
    "SF": "SF_evaluation(Ff)",
    "CC": "CC_evaluation(Af, Bf, Ff)",
    "PSNR": "PSNR_evaluation(Af, Bf, Ff)",
    "MSE": "MSE_evaluation(Af, Bf, Ff)",
    "MS_SSIM": "analysis_ms_ssim(cat(3, Af, Bf), Ff)",
    "EN": "entropy(F)",
    "VIF": "vifp_mscale(Af, Ff) + vifp_mscale(Bf, Ff)",
    "AG": "AG_evaluation(Ff)",
    "SD": "SD_evaluation(Ff)",
    "SCD": "analysis_SCD(Af, Bf, Ff)",
}
VIFB_CALLS = {
    "SSIM": "metricsSsim(B, A, F)",
    "QABF_vifb": "metricsQabf(B, A, F)",
    "MI_vifb": "metricsMutinf(B, A, F)",
    "SF_vifb": "metricsSpatial_frequency(B, A, F)",
    "PSNR_vifb": "metricsPsnr(B, A, F)",
}


def synthetic_cases() -> dict:
    "Three deterministic uint8 triples: texture, flat shapes (zero gradients, F = max, so F's edges equal a source's), noise."
    from scipy import ndimage
    rng = np.random.default_rng(19)
    out = {}
    A = rng.integers(0, 256, (64, 64)).astype(np.uint8)
    B = np.clip(ndimage.gaussian_filter(rng.normal(128, 60, (64, 64)), 2) * 3 - 256, 0, 255).round().astype(np.uint8)
    out["syn_texture"] = (A, B, ((A.astype(int) + B) // 2).astype(np.uint8))
    yy, xx = np.mgrid[:48, :72]
    A = np.where((yy - 20) ** 2 + (xx - 30) ** 2 < 150, 200, 40).astype(np.uint8); A[30:, 50:] = 120
    B = np.where((xx > 20) & (xx < 60) & (yy > 10), 90, 160).astype(np.uint8); B[::7] = 255
    out["syn_shapes"] = (A, B, np.maximum(A, B))
    A = np.clip(np.linspace(0, 255, 56)[None, :] + rng.normal(0, 8, (52, 56)), 0, 255).round().astype(np.uint8)
    B = np.clip(np.linspace(255, 0, 52)[:, None] + rng.normal(0, 20, (52, 56)), 0, 255).round().astype(np.uint8)
    F = np.clip((A.astype(float) + B) / 2 + rng.normal(0, 25, A.shape), 0, 255).round().astype(np.uint8)
    out["syn_noise"] = (A, B, F)
    return out


def msrs_case(name: str, crop, rule: str, root=None):
    "The uint8 grey crop (A: infrared, B: visible luma rounded, F: `rule` of the two) of MSRS test pair `name`."
    from text_difuse.data import load_dataset
    from text_difuse.metrics import to_grey255
    ds = load_dataset("msrs", "test", root=root)
    d = ds[ds.names.index(name)]
    t, l, h, w = crop
    A, B = (np.clip(np.floor(to_grey255(x)[t:t + h, l:l + w] + 0.5), 0, 255).astype(np.uint8) for x in (d["a"], d["b"]))
    F = ((A.astype(int) + B) // 2).astype(np.uint8) if rule == "mean" else np.maximum(A, B)
    return A, B, F


def driver(cases: list[str], folder: Path, tang: Path, vifb: Path) -> str:
    lines = ["pkg load image;", f"addpath('{tang}');", f"addpath('{vifb}');", "more off;",
             "printf('OCTAVE_VERSION %s\\n', OCTAVE_VERSION);",
             "v = pkg('list', 'image'); printf('IMAGE_PKG %s\\n', v{1}.version);"]
    for c in cases:
        lines += [f"load('{folder / (c + '.mat')}');", "Af = im2double(A) * 255; Bf = im2double(B) * 255; Ff = im2double(F) * 255;"]
        for k, call in {**TANG_CALLS, **VIFB_CALLS}.items():
            lines.append(f"printf('VAL {c} {k} %.17g\\n', {call});")
    return "\n".join(lines) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tang", required=True, help="the Evaluation/ folder of Linfeng-Tang/Evaluation-for-Image-Fusion")
    p.add_argument("--vifb", required=True, help="the metrics/ folder of xingchenzhang/VIFB")
    p.add_argument("--tang-commit", default="unknown"); p.add_argument("--vifb-commit", default="unknown")
    p.add_argument("--root", default=None, help="data root for the MSRS cases (default: $TEXT_DIFUSE_DATA, else ../shared/data)")
    p.add_argument("--octave", default="octave-cli")
    a = p.parse_args()
    from scipy.io import savemat
    VEC.mkdir(parents=True, exist_ok=True)
    triples = {}
    for c, (A, B, F) in synthetic_cases().items():
        for k, x in zip("ABF", (A, B, F)): np.save(VEC / f"{c}_{k}.npy", x)
        triples[c] = (A, B, F)
    for c, name, crop, rule in MSRS_CASES: triples[c] = msrs_case(name, crop, rule, a.root)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for c, (A, B, F) in triples.items(): savemat(tmp / f"{c}.mat", dict(A=A, B=B, F=F))
        (tmp / "driver.m").write_text(driver(list(triples), tmp, Path(a.tang).resolve(), Path(a.vifb).resolve()))
        r = subprocess.run([a.octave, "--no-gui", "--quiet", "--no-window-system", str(tmp / "driver.m")],
                           capture_output=True, text=True, cwd=tmp)
    if r.returncode: sys.exit(f"octave failed ({r.returncode}):\n{r.stderr[-3000:]}")
    vals, meta = {c: {} for c in triples}, {}
    for line in r.stdout.splitlines():
        parts = line.split()
        if parts[:1] == ["VAL"]: vals[parts[1]][parts[2]] = float(parts[3])
        elif parts[:1] in (["OCTAVE_VERSION"], ["IMAGE_PKG"]): meta[parts[0]] = parts[1]
    cases = {}
    for c, (A, B, F) in triples.items():
        src = dict(kind="synthetic", files=[f"tests/vectors/{c}_{k}.npy" for k in "ABF"])
        for cc, name, crop, rule in MSRS_CASES:
            if cc == c: src = dict(kind="msrs", split="test", pair=name, crop_top_left_height_width=list(crop), fused=rule,
                                   note="rebuilt by tools/octave_vectors.py:msrs_case from the data root; not committed")
        cases[c] = dict(source=src, shape=list(A.shape), values=vals[c])
    doc = dict(about=__doc__.split("\n\n")[0], octave=meta.get("OCTAVE_VERSION"), octave_image=meta.get("IMAGE_PKG"),
               tang=dict(repo="https://github.com/Linfeng-Tang/Evaluation-for-Image-Fusion", commit=a.tang_commit, calls=TANG_CALLS),
               vifb=dict(repo="https://github.com/xingchenzhang/VIFB", commit=a.vifb_commit, calls=VIFB_CALLS),
               inputs="A, B, F uint8; Af, Bf, Ff = im2double(.)*255", cases=cases)
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {OUT.relative_to(REPO)}: {len(cases)} cases, Octave {doc['octave']}, image {doc['octave_image']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
