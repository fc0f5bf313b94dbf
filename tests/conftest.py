import os, pathlib, pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]

@pytest.fixture(scope="session")
def repo_root(): return ROOT

@pytest.fixture(scope="session")
def data_root():
    "The real data (CI: ../shared/data); tests that need it are skipped where it is absent."
    p = pathlib.Path(os.environ.get("TEXT_DIFUSE_DATA", ROOT.parent / "shared" / "data"))
    if not p.exists(): pytest.skip(f"no data root at {p}")
    return p
