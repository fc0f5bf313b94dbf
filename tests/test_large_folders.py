"""Folder fusion at dataset scale: 100 k pairs are listed without opening an image, and a rerun over a finished output folder
skips every pair (nothing is read or fused)."""
import os, subprocess, sys, time
from pathlib import Path
from text_difuse.data import match_folders

N = 100_000


def _touch_all(folder: Path, names, ext):
    folder.mkdir()
    for n in names: open(folder / f"{n}{ext}", "wb").close()


def test_100k_pairs_are_listed_and_a_finished_run_is_skipped(tmp_path):
    names = [f"{i:06d}" for i in range(N)]
    _touch_all(tmp_path / "a", names, ".png"); _touch_all(tmp_path / "b", names, ".jpg")
    (tmp_path / "a" / "extra.png").write_bytes(b"")   # an unpaired file is reported, not paired
    t0 = time.time()
    pairs, problems = match_folders(tmp_path / "a", tmp_path / "b")
    listed_s = time.time() - t0
    assert len(pairs) == N and pairs[0][0] == "000000" and pairs[-1][0] == f"{N - 1:06d}"
    assert problems == [f"unpaired A image {tmp_path / 'a' / 'extra.png'} (no B image named extra.*)"]
    assert listed_s < 60, listed_s   # a generous bound: a listing that opened images would take hours
    _touch_all(tmp_path / "out", names, ".png")   # every pair already fused
    exe = Path(sys.executable).parent / "text-difuse"
    r = subprocess.run([str(exe), "fuse", "--a-dir", str(tmp_path / "a"), "--b-dir", str(tmp_path / "b"), "-o", str(tmp_path / "out"),
                        "--threads", "1"], capture_output=True, text=True, env=dict(os.environ, PYTHONWARNINGS="ignore"), timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    assert f"{N} pair(s) already fused" in r.stderr and "wrote 0 image(s)" in r.stdout, (r.stdout[-500:], r.stderr[-1000:])
