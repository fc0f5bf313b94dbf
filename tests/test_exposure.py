"""The defaults of `restore` and `fuse` on real images (issue 16). `restore` decides exposure from the image (part 2):
with `--modality auto` (nothing told), dark grey photos are brightened and dark infrared night scenes are kept as dark. Real images as `restore` gets them: RoadScene visible photos
(held out from the restorer's training) made grey and dark (low light 0.6 + noise 0.3, as tools/probes.py exposure), and
MSRS test infrared night scenes. Means in grey levels (0-255) over four images each."""
import numpy as np


def _centre(x, s=256):
    y, z = (x.shape[0] - s) // 2, (x.shape[1] - s) // 2
    return np.ascontiguousarray(x[y:y + s, z:z + s])


def test_auto_exposure_brightens_dark_photos_and_keeps_infrared_nights(data_root):
    import torch
    from text_difuse.data import load_dataset
    from text_difuse.degrade import apply_spec
    from text_difuse.io import luma
    from text_difuse.repro import evenly
    from text_difuse.restore import Restorer
    from text_difuse.weights import DEFAULT_RESTORER
    torch.set_num_threads(1)
    r = Restorer.from_pretrained(DEFAULT_RESTORER, device="cpu")
    f = lambda x: x.astype(np.float32) / (255.0 if x.dtype == np.uint8 else 1.0)
    rs = load_dataset("roadscene", None, data_root)
    gain = []
    for j, i in enumerate(evenly(list(range(len(rs))), 4)):
        dark = apply_spec(_centre(luma(f(rs[i]["b"]))), [("low_light", 0.6), ("gaussian_noise", 0.3)], seed=4000 + j)
        gain.append(255 * (r.restore(dark, seed=j).mean() - dark.mean()))
    ms = load_dataset("msrs", split="test", root=data_root)
    night = [i for i, g in enumerate(ms.groups) if g == "night"]
    drift = [255 * (r.restore(ir, seed=j).mean() - ir.mean()) for j, ir in enumerate(_centre(f(ms[i]["a"])) for i in evenly(night, 4))]
    # thresholds: the classifier trained on upright scene views gives +38 / -1.6 (largest night move 4.5); the one before
    # it (42,511 it, trained on rotated crops) gave +24 / +3.2 with one night brightened by 15, and fails here
    assert np.mean(gain) > 30, f"dark grey photos brightened by only {np.mean(gain):.1f} grey levels on average ({np.round(gain, 1)})"
    assert abs(np.mean(drift)) < 4, f"infrared nights' brightness moved by {np.mean(drift):.1f} grey levels on average ({np.round(drift, 1)})"
    assert np.abs(drift).max() < 8, f"an infrared night's brightness moved by {np.abs(drift).max():.1f} grey levels ({np.round(drift, 1)})"


def test_fusion_retones_a_noisy_dark_visible_source_and_leaves_clean_pairs(data_root):
    """`fuse` moves a noisy source's condition towards the tone head's correction (Fuser retone, default 'b'): the fusion
    of a degraded MSRS test day pair (the fusion benchmark's protocols) comes out brighter, towards the clean visible
    image; a clean pair is fused exactly as without it."""
    import torch
    from text_difuse.data import load_dataset
    from text_difuse.degrade import degrade_protocol
    from text_difuse.fuse import Fuser
    from text_difuse.repro import evenly
    torch.set_num_threads(1)
    fu, off = Fuser.from_pretrained("ivif"), Fuser.from_pretrained("ivif", retone="")
    assert fu.retone == "b"
    ms = load_dataset("msrs", split="test", root=data_root)
    day = [i for i, g in enumerate(ms.groups) if g == "day"]
    lift, gap = [], []
    for j, i in enumerate(evenly(day, 3)):
        a, b = _centre(ms[i]["a"]), _centre(ms[i]["b"])
        da, db = degrade_protocol(a, "infrared", 0.5, seed=1000 + j), degrade_protocol(b, "visible", 0.5, seed=2000 + j)
        on, base = 255 * fu.fuse(da, db, seed=j).mean(), 255 * off.fuse(da, db, seed=j).mean()
        clean = 255 * float(b.mean()) / (255.0 if b.dtype == np.uint8 else 1.0)
        lift.append(on - base); gap.append(abs(clean - on) - abs(clean - base))
        if j == 0: assert np.array_equal(fu.fuse(a, b, seed=j), off.fuse(a, b, seed=j)), "a clean pair's fusion changed"
    # measured on these crops: -2.3, +39.4, +19.6 grey levels (train probe, results/probes/retone-train.json: mean 29.5 -> 52.4 of 67)
    assert np.mean(lift) > 8, f"degraded day pairs brightened by only {np.mean(lift):.1f} grey levels ({np.round(lift, 1)})"
    assert np.mean(gap) < -5, f"the fusion did not move towards the clean visible brightness ({np.round(gap, 1)})"


def test_default_restorer_leaves_clean_images_nearly_unchanged(data_root):
    """`restore` keeps what is clean (issue 16's identity target: >= 35 dB, colour unchanged): the clean MSRS test split,
    infrared and visible (centre 256x256 crops, as tools/probes.py fidelity; all 100 pairs, ~10 s: a 4-pair sample's mean
    colour shift moved by +-1.5 with one night crop), through the default restorer with default settings
    (`--modality auto`), comes back close to unchanged."""
    import torch
    from text_difuse.data import load_dataset
    from text_difuse.io import rgb_to_ycbcr
    from text_difuse.metrics import psnr
    from text_difuse.restore import Restorer
    from text_difuse.weights import DEFAULT_RESTORER
    torch.set_num_threads(1)
    r = Restorer.from_pretrained(DEFAULT_RESTORER, device="cpu")
    f = lambda x: x.astype(np.float32) / (255.0 if x.dtype == np.uint8 else 1.0)
    ms = load_dataset("msrs", split="test", root=data_root)
    scores, shift = [], []
    for i in range(len(ms)):
        for k in ("a", "b"):
            clean = _centre(f(ms[i][k]))
            out = r.restore(clean, seed=i)
            scores.append(psnr(out, clean))
            if clean.ndim == 3: shift.append(255 * (rgb_to_ycbcr(out) - rgb_to_ycbcr(clean)).mean((0, 1))[1:])
    print(f"clean crops: {np.mean(scores):.2f} dB, mean Cb / Cr shift {np.round(np.mean(shift, 0), 2)}")   # what the comment quotes (pytest -s)
    # the 35 dB on the whole split: the default (U-Net of run unet_noise_tone continued to 104,930 it, under the
    # tone head of run tone_noise2 with the previous classifier: 123,320 it) gives 37.56 dB, shift [0.13 -0.32]; at 95,583 it
    # 36.96, [0.04 -0.34] (36.97 at 93,401 it); the noise-aware head over the U-Net before it (85,759 it) 35.76,
    # [0.14 -0.46]; the old tone head (73,157 it) 34.76, [0.05 0.02], and fails here (its 36.81 on the former 4-pair sample,
    # where the 85,759-it weights moved Cb by +1.56)
    assert np.mean(scores) >= 35.0, f"clean images come back at {np.mean(scores):.2f} dB on average ({np.round(scores, 1)})"
    assert np.abs(np.mean(shift, 0)).max() < 1, f"clean colour images' mean Cb / Cr moved by {np.round(np.mean(shift, 0), 2)}"
