"""The GPU recipe's dry run (tiny network, a few iterations, CPU) goes through every stage and records them."""
import json, os, subprocess, sys
from pathlib import Path


def test_gpu_recipe_dry_run(tmp_path, data_root, repo_root):
    r = subprocess.run([sys.executable, str(repo_root / "tools" / "gpu_recipe.py"), "--dry-run", "--out", str(tmp_path / "g"),
                        "--data-root", str(data_root)], capture_output=True, text=True, timeout=900,
                       env=dict(os.environ, PYTHONWARNINGS="ignore", OMP_NUM_THREADS="1"))
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    rec = json.loads((tmp_path / "g" / "recipe.json").read_text())
    assert rec["dry_run"] and [s["stage"] for s in rec["stages"]] == ["train-restore tiny", "train-fcm tiny", "fuse tiny"]
    assert rec["stages"][0]["iterations"] == 4 and rec["stages"][0]["it_per_s"] > 0
    assert rec["fusion"]["tiny"]["pairs"] == 24 and len(list((tmp_path / "g" / "fused_tiny").glob("*.png"))) == 24
    for w in ("restore_tiny", "fcm_medical_tiny"): assert (tmp_path / "g" / f"{w}.json").exists()   # exported with manifests
