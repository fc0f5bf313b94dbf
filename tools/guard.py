#!/usr/bin/env python
"""CI guard for generated code: fails when text_difuse/*.py is not exactly what `nbdev_export` makes of nbs/ (a hand
edit of a module, or a notebook change not exported), or when a notebook is not `nbdev_clean`-ed. It works on a copy in
a temporary folder and changes nothing in the checkout; `make test` runs it before anything is exported.

Usage:  .venv/bin/python tools/guard.py [--repo DIR]        exit 0: in sync; 1: the files to fix are listed
"""
from __future__ import annotations
import argparse, filecmp, shutil, subprocess, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _copy(repo: Path, dst: Path) -> None:
    for f in ("settings.ini", "setup.py", "README.md"):
        if (repo / f).exists(): shutil.copy(repo / f, dst / f)
    shutil.copytree(repo / "nbs", dst / "nbs", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (dst / "text_difuse").mkdir()


def problems(repo: Path = ROOT) -> list[str]:
    "What is out of sync: modules that differ from (or lack) their notebooks, and notebooks that are not clean."
    exe = Path(sys.executable).parent
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp); _copy(repo, tmp)
        r = subprocess.run([str(exe / "nbdev_export")], cwd=tmp, capture_output=True, text=True)
        if r.returncode: return [f"nbdev_export failed: {r.stderr.strip()[-500:]}"]
        made = {p.name for p in (tmp / "text_difuse").glob("*.py")}
        have = {p.name for p in (repo / "text_difuse").glob("*.py")}
        out += [f"text_difuse/{n}: no notebook exports it" for n in sorted(have - made)]
        out += [f"text_difuse/{n}: exported from nbs/ but missing (run nbdev_export)" for n in sorted(made - have)]
        out += [f"text_difuse/{n}: differs from its notebook (edit nbs/, then run nbdev_export)" for n in sorted(made & have)
                if not filecmp.cmp(tmp / "text_difuse" / n, repo / "text_difuse" / n, shallow=False)]
        r = subprocess.run([str(exe / "nbdev_clean")], cwd=tmp, capture_output=True, text=True)
        if r.returncode: return out + [f"nbdev_clean failed: {r.stderr.strip()[-500:]}"]
        out += [f"{p.relative_to(tmp)}: not clean (run nbdev_clean)" for p in sorted((tmp / "nbs").rglob("*.ipynb"))
                if not filecmp.cmp(p, repo / p.relative_to(tmp), shallow=False)]
    return out


if __name__ == "__main__":
    a = argparse.ArgumentParser(description=__doc__.split("\n\n")[0]); a.add_argument("--repo", default=str(ROOT))
    bad = problems(Path(a.parse_args().repo).resolve())
    for b in bad: print(f"guard: {b}", file=sys.stderr)
    if not bad: print("guard: text_difuse/ is what nbs/ export, and every notebook is clean")
    sys.exit(1 if bad else 0)
