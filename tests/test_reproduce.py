"The reproduction runner maps notebook ids and yaml variants to notebooks, parameters and output folders."
import importlib.util
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def rp(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("reproduce_under_test", ROOT / "tools" / "reproduce.py")
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    repro = tmp_path / "repro"; repro.mkdir()
    nb = '{"cells": [{"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "n = 1\\nout = None\\n"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    (repro / "bench.ipynb").write_text(nb)
    (repro / "bench.yaml").write_text("n: 5\n")
    (repro / "bench.full.yaml").write_text("n: 100\n")
    (repro / "orphan.full.yaml").write_text("n: 1\n")          # no notebook 'orphan': not a variant
    monkeypatch.setattr(mod, "REPRO", repro)
    return mod


def test_variants_and_parameters(rp):
    assert list(rp.notebooks()) == ["bench"]
    assert {k: v.name for k, v in rp.variants().items()} == {"bench.full": "bench.ipynb"}
    assert rp.parameters("bench", "paper") == {"n": 5, "out": "results/bench"}
    assert rp.parameters("bench.full", "paper") == {"n": 100, "out": "results/bench_full"}
    assert rp.parameters("bench.full", "smoke") == {}


def test_unknown_parameter_is_an_error(rp):
    (rp.REPRO / "bench.bad.yaml").write_text("n: 1\nsteps: 3\n")
    with pytest.raises(ValueError, match="unknown parameter"):
        rp.parameters("bench.bad", "paper")


def test_list_shows_variants_only_in_paper_profile(rp, capsys, monkeypatch):
    monkeypatch.setattr(rp, "ROOT", rp.REPRO.parent)
    assert rp.main(["--list", "--profile", "paper"]) == 0
    out = capsys.readouterr().out
    assert "bench.full\trepro/bench.ipynb\tyaml" in out and "orphan" not in out
    assert rp.main(["--list"]) == 0
    assert "bench.full" not in capsys.readouterr().out


def test_papermill_reads_every_parameter_of_the_repro_notebooks():
    "papermill must see every name of each `parameters` cell (a comment it cannot parse hides the name from --help-notebook)."
    import ast, nbformat
    from papermill.translators import PythonTranslator
    for path in sorted((ROOT / "nbs" / "repro").glob("*.ipynb")):
        cell = next(c for c in nbformat.read(path, as_version=4).cells if "parameters" in c.metadata.get("tags", []))
        want = [t.id for node in ast.parse(cell.source).body if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)]
        got = [p.name for p in PythonTranslator.inspect(cell)]
        assert got == want, (path.name, sorted(set(want) - set(got)))
