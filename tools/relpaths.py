#!/usr/bin/env python
"""Rewrite the machine's absolute paths in results/ as repository-relative ones (`repro.repo_relative`: project paths
relative to the root, data paths as `$TEXT_DIFUSE_DATA/...`), the form new runs write by themselves. Only text inside
paths changes: the script checks, file by file, that the sequence of numbers outside the rewritten paths is the same
before and after, and refuses to write a file where it is not.

Usage:  .venv/bin/python tools/relpaths.py [--check]      (--check: list the files that still hold absolute paths, exit 1 if any)
"""
from __future__ import annotations
import argparse, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NUM = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def _masked_pair(text: str, new: str, prefixes, rel) -> tuple[list[str], list[str]]:
    "The numbers of `text` and of its rewrite `new`, each with its paths (the absolute ones, and what they became) masked."
    tokens = sorted({m.group(0) for p in prefixes for m in re.finditer(re.escape(p) + r"[^\s\"',)\]|]*", text)}, key=len, reverse=True)
    a, b = text, new
    for t in tokens: a = a.replace(t, "<path>")
    for t in sorted({rel(t) for t in tokens}, key=len, reverse=True): a, b = a.replace(t, "<path>"), b.replace(t, "<path>")
    return NUM.findall(a), NUM.findall(b)


def main(argv=None) -> int:
    a = argparse.ArgumentParser(description=__doc__.split("\n\n")[0]); a.add_argument("--check", action="store_true")
    ns = a.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from text_difuse.repro import repo_relative, project_root
    from text_difuse.data import default_data_root
    prefixes = sorted({str(project_root()), str(default_data_root()), str(default_data_root().resolve())}, key=len, reverse=True)
    changed, stale = [], []
    for f in sorted((ROOT / "results").rglob("*")):
        if f.suffix not in (".md", ".json", ".csv", ".txt") or "_smoke" in f.parts or not f.is_file(): continue
        text = f.read_text()
        new = repo_relative(text)
        if new == text: continue
        stale.append(f)
        if ns.check: continue
        before, after = _masked_pair(text, new, prefixes, repo_relative)
        if before != after:
            print(f"refused {f.relative_to(ROOT)}: numbers outside paths would change", file=sys.stderr); return 1
        f.write_text(new); changed.append(f)
    for f in (stale if ns.check else changed): print(("absolute paths in " if ns.check else "rewrote ") + str(f.relative_to(ROOT)))
    return 1 if ns.check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
