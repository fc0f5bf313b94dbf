"""tools/bench_speed.py (issue 21's CPU speed benchmark) end to end on one MSRS pair: the quality table against a reference
config, the timing table with its ratio, the figure and the parameters."""
import json, os, subprocess, sys
import pandas as pd


def test_bench_speed_writes_quality_and_speed(repo_root, data_root, tmp_path):
    out = tmp_path / "speed"
    cmd = [sys.executable, str(repo_root / "tools" / "bench_speed.py"), "--out", str(out), "--root", str(data_root), "--n-msrs", "1",
           "--quality", "default", "default, whole image (--tile 0)", "--reference", "default",
           "--timed", "default", "default, whole image (--tile 0)", "--baseline", "default", "--time-pairs", "1", "--threads", "1"]
    r = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"}, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    assert {p.name for p in out.iterdir()} >= {"quality.csv", "quality_per_image.csv", "speed.csv", "table.md", "fig_speed_quality.png", "params.json"}
    q = pd.read_csv(out / "quality.csv").set_index("config")
    assert q.loc["default", "max |diff| %"] == 0 and q.loc["default", "within 1%"] == "yes"   # the reference against itself
    assert q.loc["default", "steps"] == 1 and q.loc["default", "pairs"] == 1
    assert (q.loc["default, whole image (--tile 0)", [f"{m} vs ref %" for m in ("EN", "AG", "SD", "SCD", "VIF")]] != 0).any()   # another config differs
    s = pd.read_csv(out / "speed.csv").set_index("config")
    assert s.loc["default", "speedup_vs_baseline"] == 1.0 and (s.s_per_pair > 0).all()
    p = json.loads((out / "params.json").read_text())
    assert p["quality_pairs"] == 1 and p["args"]["threads"] == 1 and "default" in p["configs"]


def test_bench_speed_refuses_unknown_configs(repo_root):
    r = subprocess.run([sys.executable, str(repo_root / "tools" / "bench_speed.py"), "--quality", "warp drive"], capture_output=True, text=True)
    assert r.returncode == 2 and "invalid choice" in r.stderr
