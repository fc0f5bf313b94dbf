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


def test_pack_and_gpu_restore_script(tmp_path, data_root, repo_root):
    "The lent-GPU restorer session on CPU: a small data pack (tools/pack_data.py) feeds tools/gpu_restore.sh, which continues the shipped weights and exports them."
    env = dict(os.environ, PYTHONWARNINGS="ignore", OMP_NUM_THREADS="1")
    r = subprocess.run([sys.executable, str(repo_root / "tools" / "pack_data.py"), "--out", str(tmp_path / "pack"), "--data-root", str(data_root),
                        "--msrs", "3", "--harvard-every", "100", "--bsds", "2"], capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stderr[-2000:]
    pack = json.loads((tmp_path / "pack" / "PACK.json").read_text())
    assert pack["msrs_train_pairs"] == 3 and pack["bsds500_train"] == 2 and len(list((tmp_path / "pack" / "msrs" / "test" / "vi").glob("*.jpg"))) == 3
    r = subprocess.run(["bash", str(repo_root / "tools" / "gpu_restore.sh"), str(tmp_path / "g"), "0.05"], cwd=repo_root, capture_output=True, text=True,
                       timeout=600, env=dict(env, PY=sys.executable, DATA=str(tmp_path / "pack"), BATCH="2", WORKERS="1"))
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    shipped = json.loads((repo_root / "text_difuse" / "weights" / "restore_behind_tone.json").read_text())
    m = json.loads((tmp_path / "g" / "restore_gpu.json").read_text())
    assert m["iterations"] > shipped["iterations"] and m["luma"] == "anchored" and m["training"]["freeze_tone"]   # continued, as restore samples it
    assert (tmp_path / "g" / "log.csv").exists() and "msrs_jpeg_quality" in (tmp_path / "g" / "machine.txt").read_text()
