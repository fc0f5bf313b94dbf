"""Every registered fusion metric against the values of the community's MATLAB code (Linfeng Tang's
Evaluation-for-Image-Fusion, the VIFB toolbox) run unchanged in GNU Octave: tests/vectors/octave_vectors.json, made by
tools/octave_vectors.py (not run in CI). Synthetic inputs are committed beside it; the MSRS crops are rebuilt from the
data root (skipped without it)."""
import importlib.util, json, pathlib
import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
VEC = json.loads((ROOT / "tests" / "vectors" / "octave_vectors.json").read_text())
REL = 1e-6


def _tool():
    spec = importlib.util.spec_from_file_location("octave_vectors", ROOT / "tools" / "octave_vectors.py")
    m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
    return m


def _inputs(case: str):
    src = VEC["cases"][case]["source"]
    if src["kind"] == "synthetic": return tuple(np.load(ROOT / p) for p in src["files"])
    from text_difuse.data import data_root
    try: (data_root() / "msrs").is_dir() or pytest.skip("no MSRS data")
    except FileNotFoundError: pytest.skip("no data root")
    return _tool().msrs_case(src["pair"], tuple(src["crop_top_left_height_width"]), src["fused"])


def _ours(A, B, F) -> dict:
    from text_difuse.metrics import fusion_metrics, nabf
    got = fusion_metrics(A, B, F, "all")
    got["NABF_tang_order"] = nabf(*(x.astype(np.float64) for x in (A, B, F)))   # analysis_Reference.m's argument order
    return got


def test_the_vectors_cover_every_metric():
    from text_difuse.metrics import METRICS
    assert VEC["octave"] and VEC["tang"]["commit"] != "unknown"
    for case, v in VEC["cases"].items():
        missing = set(METRICS.names()) - set(v["values"])
        assert not missing, f"{case}: no Octave value for {sorted(missing)} (run tools/octave_vectors.py)"


@pytest.mark.parametrize("case", sorted(VEC["cases"]))
def test_metrics_match_octave(case):
    A, B, F = _inputs(case)
    assert list(A.shape) == VEC["cases"][case]["shape"] and A.dtype == np.uint8
    got, want = _ours(A, B, F), VEC["cases"][case]["values"]
    bad = [f"{k}: ours {got[k]!r} Octave {w!r}" for k, w in want.items() if k in got and not got[k] == pytest.approx(w, rel=REL, abs=0)]
    assert not bad, f"{case}:\n" + "\n".join(bad)


def test_the_comparison_can_fail():
    "A perturbed fused image moves every metric beyond the tolerance (so the vectors test something)."
    A, B, F = (np.load(ROOT / p) for p in VEC["cases"]["syn_noise"]["source"]["files"])
    G = F.copy(); G[10:20, 10:20] = 255 - G[10:20, 10:20]
    got, want = _ours(A, B, G), VEC["cases"]["syn_noise"]["values"]
    same = [k for k in got if k in want and got[k] == pytest.approx(want[k], rel=REL, abs=0)]
    assert not same, same


def test_vifb_variants_differ_as_documented():
    "VIFB's own SF (over M*N), MI (natural log, min-max rescaled) and PSNR differ from Tang's; its Qabf is Tang's on a 255x scale."
    for case, v in VEC["cases"].items():
        w = v["values"]
        assert w["QABF_vifb"] == pytest.approx(w["QABF"], rel=1e-3)
        assert w["SF_vifb"] < w["SF"] and w["MI_vifb"] != pytest.approx(w["MI"], rel=0.05)
