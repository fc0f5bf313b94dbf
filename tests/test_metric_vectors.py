"The fusion metrics against the MATLAB/Octave reference values in ../shared/metric_vectors (a second guard besides nbs/04_metrics.ipynb)."
import json, os, pathlib
import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]

def _vectors_dir():
    cands = []
    if os.environ.get("TEXT_DIFUSE_DATA"): cands.append(pathlib.Path(os.environ["TEXT_DIFUSE_DATA"]).parent / "metric_vectors")
    cands.append(ROOT.parent / "shared" / "metric_vectors")
    for d in cands:
        if (d / "expected.json").exists(): return d
    pytest.skip(f"no metric vectors at {', '.join(map(str, cands))}")

def _cases():
    d = ROOT.parent / "shared" / "metric_vectors" / "expected.json"
    return sorted(json.loads(d.read_text())["cases"]) if d.exists() else ["syn", "syn2", "harvardCT16007"]

@pytest.mark.parametrize("case", _cases())
def test_metric_vectors(case):
    from text_difuse.metrics import fusion_metrics, AG, vifp
    d = _vectors_dir()
    want = json.loads((d / "expected.json").read_text())["cases"][case]
    A, B, F = (np.load(d / f"{case}_{k}.npy") for k in "ABF")
    assert list(A.shape) == want["shape"]
    got = fusion_metrics(A, B, F)
    a, b, f = (x.astype(np.float64) for x in (A, B, F))
    got["AG_mean_denominator_variant"] = AG(a, b, f, denominator="MN")
    got["VIFp(A,F)"], got["VIFp(B,F)"] = vifp(a, f), vifp(b, f)
    keys = [k for k in want if k != "shape"]
    assert set(keys) <= set(got), f"unchecked keys: {set(keys) - set(got)}"
    for k in keys:
        assert got[k] == pytest.approx(want[k], rel=1e-6, abs=0), f"{case} {k}: {got[k]} != {want[k]}"

def test_float_input_matches_uint8():
    "Float [0,1] inputs are scaled by 255 and give the uint8 values."
    from text_difuse.metrics import fusion_metrics
    rng = np.random.default_rng(0)
    A, B = rng.integers(0, 256, (64, 64), dtype=np.uint8), rng.integers(0, 256, (64, 64), dtype=np.uint8)
    F = ((A.astype(int) + B) // 2).astype(np.uint8)
    m8, mf = fusion_metrics(A, B, F), fusion_metrics(A / 255.0, B / 255.0, F / 255.0)
    for k in m8: assert mf[k] == pytest.approx(m8[k], rel=1e-9)
