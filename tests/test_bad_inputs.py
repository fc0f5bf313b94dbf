"""Every bad input of issue 20 through the command line, on tiny images with a tiny restorer and 1 sampling step: each
case checks the exit code, that the message names the problem, and that no input file changed (sha256 before and
after). Then a bounded, seeded fuzz pass of random small images (sizes, modes, bit depths) through fuse, restore and
metrics: nothing may end in a traceback or write NaN."""
import contextlib, hashlib, io, json, os, signal, subprocess, sys, time, warnings
from pathlib import Path
import numpy as np
import pytest
from PIL import Image

from text_difuse.cli import main
from text_difuse.io import read_image, write_image


def sha(p: Path) -> str: return hashlib.sha256(Path(p).read_bytes()).hexdigest()


def run(*args) -> tuple[int, str]:
    "`text-difuse ARGS` in-process: (exit code, stdout + stderr)."
    o, e = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(o), contextlib.redirect_stderr(e), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rc = main([str(a) for a in args])
    return rc, o.getvalue() + e.getvalue()


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    "A workspace: a pair, two folders of pairs, and tiny (random) restorer weights."
    import torch
    from text_difuse.unet import build_unet
    from text_difuse.train import export_weights
    d = tmp_path_factory.mktemp("bad")
    rng = np.random.default_rng(0)
    a, b = rng.random((40, 48), dtype=np.float32), rng.random((40, 48, 3), dtype=np.float32)
    write_image(d / "ir.png", a); write_image(d / "vis.png", b)
    for k in ("A", "B"): (d / k).mkdir()
    for j in range(2): write_image(d / "A" / f"p{j}.png", np.roll(a, j, 0)); write_image(d / "B" / f"p{j}.png", np.roll(b, j, 0))
    m = build_unet("tiny", seed=0)
    export_weights(dict(ema=m.state_dict(), unet=m.cfg.to_dict(), schedule="cosine", T=1000, pred_type="v", step=0, wall_s=0.0), d / "tiny.pt")
    return d


def fuse(ws, *args): return run("fuse", "--restorer", ws / "tiny.pt", "--fcm", "mean", "--steps", "1", *args)
def restore(ws, *args): return run("restore", "--restorer", ws / "tiny.pt", "--steps", "1", *args)


def inputs_of(ws): return {p: sha(p) for p in sorted(ws.rglob("*.png"))}


# 1. data loss: outputs that name an input
@pytest.mark.parametrize("case", ["a-file", "inside-a-dir", "restore-self"])
def test_outputs_never_replace_inputs(ws, case):
    before = inputs_of(ws)
    if case == "a-file": rc, msg = fuse(ws, "--a", ws / "ir.png", "--b", ws / "vis.png", "-o", ws / "ir.png"); want = "is an input"
    elif case == "inside-a-dir": rc, msg = fuse(ws, "--a-dir", ws / "A", "--b-dir", ws / "B", "-o", ws / "A"); want = "is an input"
    else: rc, msg = restore(ws, ws / "vis.png", "-o", ws / "vis.png"); want = "is an input"
    assert rc == 1 and want in msg, msg
    assert inputs_of(ws) == before


# 2-3. training runs are never destroyed; interrupted saves leave nothing; SIGINT exits 130
def test_training_folder_with_a_run_is_refused(tmp_path):
    out = tmp_path / "run"; out.mkdir()
    (out / "last.pt").write_bytes(b"checkpoint"); (out / "log.csv").write_text("step,loss\n10,0.1\n")
    before = (sha(out / "last.pt"), sha(out / "log.csv"))
    for cmd in (["train-restore", "-o", out, "--preset", "tiny"], ["train-fcm", "-o", out]):
        rc, msg = run(*cmd)
        assert rc == 1 and "--resume" in msg and "--overwrite" in msg, msg
    assert (sha(out / "last.pt"), sha(out / "log.csv")) == before


def test_bad_training_settings_name_the_option(tmp_path):
    for args, want in ((["--crop", "0"], "--crop must be >= 1"), (["--batch", "0"], "--batch must be >= 1"),
                       (["--crop", "20", "--preset", "tiny"], "--crop must be a multiple"), (["--p-clean", "2"], "p_clean")):
        rc, msg = run("train-restore", "-o", tmp_path / "t", "--preset", "tiny", *args)
        assert rc == 1 and want in msg, (args, msg)


def test_sigint_saves_exits_130_and_resume_cleans_temporaries(tmp_path, data_root):
    out = tmp_path / "sig"
    exe = str(Path(sys.executable).parent / "text-difuse")
    base = [exe, "train-restore", "-o", str(out), "--preset", "tiny", "--batch", "2", "--crop", "32", "--ckpt-every", "100000",
            "--sources", '{"harvard_grey": 1}', "--threads", "1", "--data-root", str(data_root), "--fp32"]
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    p = subprocess.Popen(base + ["--iters", "100000"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path)
    t0 = time.time()
    while not (out / "log.csv").exists() or len((out / "log.csv").read_text().splitlines()) < 2:   # wait for training steps
        assert time.time() - t0 < 180 and p.poll() is None, p.communicate()
        time.sleep(0.5)
    p.send_signal(signal.SIGINT)
    rc = p.wait(timeout=120)
    assert rc == 130, p.communicate()
    import torch
    step = torch.load(out / "last.pt", weights_only=False)["step"]
    assert step >= 10
    (out / ".last.pt.tmp4242").write_bytes(b"partial save of a killed process")
    r = subprocess.run(base + ["--iters", str(step + 1), "--resume"], capture_output=True, env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    assert not (out / ".last.pt.tmp4242").exists() and torch.load(out / "last.pt", weights_only=False)["step"] == step + 1


# 4. images smaller than the network's minimum
@pytest.mark.parametrize("hw", [(1, 1), (5, 7)])
def test_tiny_images_are_refused_with_their_size(ws, tmp_path, hw):
    write_image(tmp_path / "ta.png", np.full(hw, 0.5, np.float32)); write_image(tmp_path / "tb.png", np.full((*hw, 3), 0.5, np.float32))
    rc, msg = fuse(ws, "--a", tmp_path / "ta.png", "--b", tmp_path / "tb.png", "-o", tmp_path / "f.png")
    assert rc == 1 and f"{hw[1]}x{hw[0]} pixels" in msg, msg
    rc, msg = restore(ws, tmp_path / "ta.png", "-o", tmp_path / "r.png")
    assert rc == 1 and f"{hw[1]}x{hw[0]} pixels" in msg, msg
    assert not (tmp_path / "f.png").exists() and not (tmp_path / "r.png").exists()


# 5. metrics on degenerate inputs: a documented value, strict JSON
def test_metrics_on_flat_images_print_strict_json(tmp_path):
    for k in "abf": write_image(tmp_path / f"{k}.png", np.full((48, 48), 0.5, np.float32))
    rc, out = run("metrics", "--a", tmp_path / "a.png", "--b", tmp_path / "b.png", "--fused", tmp_path / "f.png", "--json")
    assert rc == 0
    res = json.loads(out.strip().splitlines()[-1], parse_constant=lambda c: pytest.fail(f"non-standard JSON constant {c}"))
    assert res["SCD"] is None and res["VIF"] is None and res["EN"] == 0.0


# 6. empty folder pairs, RGBA, swapped sources
def test_empty_folders_rgba_and_swapped(ws, tmp_path):
    (tmp_path / "e1").mkdir(); (tmp_path / "e2").mkdir()
    rc, msg = fuse(ws, "--a-dir", tmp_path / "e1", "--b-dir", tmp_path / "e2", "-o", tmp_path / "F")
    assert rc == 1 and "no pairs" in msg
    rgba = (np.random.default_rng(1).random((40, 48, 4)) * 255).astype(np.uint8)
    Image.fromarray(rgba, "RGBA").save(tmp_path / "rgba.png")
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always"); read_image(tmp_path / "rgba.png")
    assert any("alpha channel" in str(x.message) for x in w)
    rc, msg = fuse(ws, "--a", ws / "vis.png", "--b", ws / "ir.png", "-o", tmp_path / "sw.png")
    assert rc == 0 and "swapped" in msg


# 7-9. outputs and options checked before any compute
@pytest.mark.parametrize("out,extra,want", [("F_dir", [], "is a folder"), ("noext", [], "unknown output format (no extension)"),
                                            ("f.xyz", [], "unknown output format .xyz"), ("exists.png", ["--text", "people"], "--overwrite"),
                                            ("o.png", ["--tile", "64", "--overlap", "64"], "--overlap must be in [0, --tile)"),
                                            ("o.png", ["--max-side", "32"], "beyond --max-side 32"), ("o.png", ["--fcm", "foo"], "pretrained, fcm, mean, max"),
                                            ("o.png", ["--steps", "0"], "--steps must be a whole number in [1, 1000]")])
def test_fuse_refuses_bad_outputs_and_options_before_compute(ws, tmp_path, out, extra, want):
    (tmp_path / "F_dir").mkdir(exist_ok=True); (tmp_path / "exists.png").write_bytes(b"keep me")
    before = inputs_of(ws)
    t0 = time.time()
    rc, msg = fuse(ws, "--a", ws / "ir.png", "--b", ws / "vis.png", "-o", tmp_path / out, *extra)
    assert rc == 1 and want in msg, msg
    assert time.time() - t0 < 20 and (tmp_path / "exists.png").read_bytes() == b"keep me" and inputs_of(ws) == before


# 10. a corrupt image in a folder is reported and skipped
def test_folder_run_skips_a_corrupt_image(ws, tmp_path):
    import shutil
    A, B = tmp_path / "A", tmp_path / "B"; shutil.copytree(ws / "A", A); shutil.copytree(ws / "B", B)
    (A / "bad.png").write_bytes(b"\x89PNG broken"); shutil.copy(B / "p0.png", B / "bad.png")
    o, e = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(o), contextlib.redirect_stderr(e), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rc = main(["fuse", "--restorer", str(ws / "tiny.pt"), "--fcm", "mean", "--steps", "1", "--a-dir", str(A), "--b-dir", str(B), "-o", str(tmp_path / "F")])
    assert rc == 1 and "failed: bad" in e.getvalue() and "failed" not in o.getvalue().split("wrote")[0]
    assert sorted(p.name for p in (tmp_path / "F").iterdir()) == ["p0.png", "p1.png"]


# 11-12. unclear messages made clear
@pytest.mark.parametrize("args,code,want", [(["--a-dir", "NOPE", "--b-dir", "NOPE2", "-o", "F"], 1, "--a-dir NOPE: no such folder"),
                                            (["--a-dir", "FILE", "--b-dir", "FILE", "-o", "F"], 1, "not a folder"),
                                            (["--a", "FILE", "--b", "FILE", "-o", "x.png", "--threads", "-3"], 2, "--threads"),
                                            (["--a", "FILE", "--b", "FILE", "-o", "x.png", "--modulation", "glow", "--text", "people"], 2, "glow")])
def test_messages_name_the_option(ws, tmp_path, args, code, want):
    args = [str(ws / "ir.png") if x == "FILE" else str(tmp_path / x) if x in ("NOPE", "NOPE2", "F", "x.png") else x for x in args]
    rc, msg = fuse(ws, *args)
    assert rc == code and want.replace("NOPE", str(tmp_path / "NOPE")) in msg and "Traceback" not in msg, msg


# the fuzz pass
def _random_image(rng, path: Path):
    h, w = int(rng.integers(16, 72)), int(rng.integers(16, 72))
    kind = rng.choice(["L", "RGB", "RGBA", "I;16", "LA", "P"])
    if kind == "I;16": Image.fromarray((rng.random((h, w)) * 65535).astype(np.uint16)).save(path); return
    ch = {"L": 0, "RGB": 3, "RGBA": 4, "LA": 2, "P": 0}[kind]
    arr = (rng.random((h, w, ch) if ch else (h, w)) * 255).astype(np.uint8)
    if rng.random() < 0.2: arr[:] = arr.flat[0]   # flat images
    im = Image.fromarray(arr, {"L": "L", "RGB": "RGB", "RGBA": "RGBA", "LA": "LA", "P": "L"}[kind])
    (im.convert("P") if kind == "P" else im).save(path)


def test_fuzz_fuse_restore_metrics(ws, tmp_path):
    rng = np.random.default_rng(2026)
    t0 = time.time()
    for k in range(24):
        pa, pb = tmp_path / f"a{k}.png", tmp_path / f"b{k}.png"
        _random_image(rng, pa); _random_image(rng, pb)
        same = rng.random() < 0.5
        if same: Image.open(pb).resize(Image.open(pa).size).save(pb)
        for cmd, out in ((lambda: fuse(ws, "--a", pa, "--b", pb, "-o", tmp_path / f"f{k}.png", "--tile", "0"), tmp_path / f"f{k}.png"),
                         (lambda: restore(ws, pa, "-o", tmp_path / f"r{k}.png"), tmp_path / f"r{k}.png"),
                         (lambda: run("metrics", "--a", pa, "--b", pb, "--fused", pa, "--json"), None)):
            rc, msg = cmd()
            assert "Traceback" not in msg and rc in (0, 1), msg
            if rc == 0 and out is not None: assert np.isfinite(read_image(out)).all()
            if rc == 0 and out is None: json.loads(msg.strip().splitlines()[-1], parse_constant=lambda c: pytest.fail(f"NaN in metrics JSON: {msg}"))
    assert time.time() - t0 < 120
