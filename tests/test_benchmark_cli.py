"`text-difuse metrics` on folders, end to end in a separate process: several methods ranked, CSV + Markdown written, bad input one line on stderr."
import json, os, subprocess, sys
from pathlib import Path
import numpy as np
import pandas as pd
import pytest
from text_difuse.io import write_image

ROOT = Path(__file__).resolve().parents[1]


def cli(*args):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""), OMP_NUM_THREADS="1")
    r = subprocess.run([sys.executable, "-c", "import sys; from text_difuse.cli import main; sys.exit(main())", *map(str, args)],
                       capture_output=True, text=True, env=env, cwd=ROOT)
    return r.returncode, r.stdout, r.stderr


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    t = tmp_path_factory.mktemp("bench")
    rng = np.random.default_rng(3)
    for i in range(2):
        a = rng.random((64, 72)).astype(np.float32); b = rng.random((64, 72)).astype(np.float32)
        write_image(t / "ir" / f"s{i}.png", a); write_image(t / "vi" / f"s{i}.png", b)
        write_image(t / "mean" / f"s{i}.png", (a + b) / 2); write_image(t / "max" / f"s{i}_fused.png", np.maximum(a, b))
    return t


def test_two_methods_ranked_with_csv_and_markdown(folders):
    t = folders
    (t / "max2").mkdir(exist_ok=True)
    for p in (t / "max").iterdir(): (t / "max2" / p.name.replace("_fused", "")).write_bytes(p.read_bytes())
    rc, out, err = cli("metrics", "--fused-dir", t / "mean", t / "max2", "--a-dir", t / "ir", "--b-dir", t / "vi",
                       "--metrics", "en,qabf,nabf,mi", "--csv", t / "out" / "s.csv", "--no-progress")
    assert rc == 0, err
    per = pd.read_csv(t / "out" / "s.csv")
    assert list(per.columns) == ["method", "name", "group", "EN", "QABF", "NABF", "MI"] and len(per) == 4
    mean = pd.read_csv(t / "out" / "s_mean.csv")
    assert mean.method.tolist() == ["mean", "max2"]
    md = (t / "out" / "s_mean.md").read_text()
    assert md == out.strip() + "\n" or md.strip() == out.strip()
    assert "mean rank" in md and "(1)" in md and "(2)" in md
    rc, out, err = cli("metrics", "--fused-dir", t / "mean", t / "max2", "--a-dir", t / "ir", "--b-dir", t / "vi", "--json", "--no-progress")
    assert rc == 0 and set(json.loads(out)) == {"mean", "max2"} and list(json.loads(out)["mean"]["all"]) == ["n", "EN", "AG", "SD", "SCD", "VIF"]


def test_pattern_and_bad_input(folders):
    t = folders
    rc, out, err = cli("metrics", "--fused-dir", t / "max", "--a-dir", t / "ir", "--b-dir", t / "vi", "--pattern", "{name}_fused", "--json", "--no-progress")
    assert rc == 0, err
    cases = [(["--fused-dir", t / "max", "--a-dir", t / "ir", "--b-dir", t / "vi"], "2 of 2 fused images missing"),
             (["--fused-dir", t / "absent", "--a-dir", t / "ir", "--b-dir", t / "vi"], "no such folder"),
             (["--fused-dir", t / "mean", "--a-dir", t / "ir", "--b-dir", t / "vi", "--metrics", "qabf,psnr2"], "unknown metric 'psnr2'")]
    write_image(t / "small" / "s0.png", np.zeros((32, 72), np.float32)); write_image(t / "small" / "s1.png", np.zeros((64, 72), np.float32))
    cases.append((["--fused-dir", t / "small", "--a-dir", t / "ir", "--b-dir", t / "vi"], "72x32"))
    for args, msg in cases:
        rc, out, err = cli("metrics", *args, "--no-progress")
        assert rc == 1 and msg in err and "Traceback" not in err, (msg, err)
