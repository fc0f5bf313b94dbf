"""tools/paired_fusion.py tells a real margin from a tie on a per-image fusion table."""
import importlib.util, json
from pathlib import Path
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("paired_fusion", ROOT / "tools" / "paired_fusion.py")
pf = importlib.util.module_from_spec(spec); spec.loader.exec_module(pf)


def _table(n=40, seed=0):
    rng = np.random.default_rng(seed)
    rows = []
    for st in ("MSRS", "Harvard CT-MRI"):
        for i in range(n):
            base = dict(EN=rng.normal(6, 0.3), AG=rng.normal(4, 0.5), SD=rng.normal(40, 5), SCD=rng.normal(1.5, 0.1), VIF=rng.normal(0.8, 0.1))
            ours = dict(base, SD=base["SD"] + 2.0, VIF=base["VIF"] + rng.normal(0, 0.05))   # SD: a clear gain; VIF: noise around a tie
            rows += [dict(set=st, name=f"p{i}", method="max", **base), dict(set=st, name=f"p{i}", method="ours", **ours)]
    return pd.DataFrame(rows)


def test_margin_and_tie():
    t = pf.paired(_table(), "max", boot=500, seed=0).set_index(["set", "metric"])
    for st in ("MSRS", "Harvard all"):
        assert t.loc[(st, "SD"), "clear"] and abs(t.loc[(st, "SD"), "mean_diff"] - 2.0) < 1e-9 and t.loc[(st, "SD"), "wins"] == 40
        assert not t.loc[(st, "EN"), "clear"] and t.loc[(st, "EN"), "mean_diff"] == 0 and t.loc[(st, "EN"), "wins"] == 0
        assert t.loc[(st, "VIF"), "ci_lo"] < 0 < t.loc[(st, "VIF"), "ci_hi"]


def test_writes_files(tmp_path):
    _table().to_csv(tmp_path / "per_image_clean.csv", index=False)
    assert pf.main(["--folder", str(tmp_path), "--boot", "200"]) == 0
    assert (tmp_path / "paired_vs_max.md").read_text().count("| MSRS") == 5
    assert json.loads((tmp_path / "paired_vs_max.params.json").read_text())["rule"] == "max"
    assert len(pd.read_csv(tmp_path / "paired_vs_max.csv")) == 10


def test_unknown_rule(tmp_path):
    _table().to_csv(tmp_path / "per_image_clean.csv", index=False)
    import pytest
    with pytest.raises(SystemExit, match="no pairs"): pf.main(["--folder", str(tmp_path), "--rule", "gff"])
