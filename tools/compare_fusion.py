#!/usr/bin/env python
"""Side by side: the 'ours' rows of several fusion benchmark runs (results/<folder>/table.csv) and the best classical
baseline per metric of the first run, for MSRS and Harvard (all), clean and degraded. Prints a Markdown table.

Usage:  .venv/bin/python tools/compare_fusion.py "LABEL=FOLDER" ["LABEL=FOLDER" ...]
e.g.    .venv/bin/python tools/compare_fusion.py "paper formulation=fusion_paper_full" "default=fusion"
"""
import sys
from pathlib import Path
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
SETS = ("MSRS", "Harvard all")
LOWER_IS_BETTER = {"NABF"}


def rows_of(table: pd.DataFrame, label: str, keep) -> list[dict]:
    out = []
    for _, r in table.iterrows():
        if r["set"].startswith(SETS) and keep(r):
            out.append(dict(run=label, cond=r.condition, set=r["set"].split(" (")[0],
                            **{m: r[m] for m in table.columns if m not in ("method", "condition", "set", "seconds")}))
    return out


def main(argv) -> int:
    if not argv: print(__doc__); return 2
    runs = [a.split("=", 1) for a in argv]
    rows = []
    for label, folder in runs:
        rows += rows_of(pd.read_csv(ROOT / "results" / folder / "table.csv"), label, lambda r: r.method == "ours")
    first = pd.read_csv(ROOT / "results" / runs[-1][1] / "table.csv")
    base = pd.DataFrame(rows_of(first, "classical", lambda r: r.method != "ours" and r.condition != "reference"))
    cols = [c for c in base.columns if c not in ("run", "cond", "set")]
    best = base.groupby(["cond", "set"]).agg({c: "min" if c in LOWER_IS_BETTER else "max" for c in cols}).reset_index()
    best["run"] = "best classical (per metric)"
    df = pd.concat([pd.DataFrame(rows), best]).sort_values(["cond", "set", "run"])
    print(df.round(3).to_markdown(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
