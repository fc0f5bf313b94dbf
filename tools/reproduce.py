#!/usr/bin/env python
"""Run the reproduction notebooks `nbs/repro/*.ipynb` with papermill.

  .venv/bin/python tools/reproduce.py                              # smoke profile: notebook defaults -> results/_smoke/<id>/
  .venv/bin/python tools/reproduce.py --profile paper              # parameters from nbs/repro/<id>.yaml -> results/<id>/
  .venv/bin/python tools/reproduce.py --profile paper --only baselines,fusion
  .venv/bin/python tools/reproduce.py --profile paper --only restoration.full   # a variant: nbs/repro/restoration.full.yaml
  .venv/bin/python tools/reproduce.py --list
A variant `nbs/repro/<id>.<name>.yaml` runs notebook `<id>` with other paper-scale parameters into `results/<id>_<name>/`
(paper profile only; `--profile paper` without `--only` runs every notebook and every variant).

Executed notebooks are written to executed/<profile>/<id>.ipynb (git-ignored). The exit code is nonzero if any
notebook fails. The kernel is the `python3` kernelspec, which must run this interpreter (the project's venv); if it does
not, a kernelspec is installed into the venv (`python -m ipykernel install --sys-prefix`).
"""
from __future__ import annotations
import argparse, os, subprocess, sys, time, traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPRO = ROOT / "nbs" / "repro"
EXECUTED = ROOT / "executed"
PROFILES = ("smoke", "paper")


def notebooks() -> dict[str, Path]:
    "Reproduction notebooks by id (file stem), sorted."
    return {p.stem: p for p in sorted(REPRO.glob("*.ipynb")) if not p.name.startswith(("_", "."))}


def variants() -> dict[str, Path]:
    "Paper-profile variants by run id `<id>.<name>`: the notebook `<id>` of each `nbs/repro/<id>.<name>.yaml`."
    nbs = notebooks()
    out = {}
    for y in sorted(REPRO.glob("*.*.yaml")):
        base = y.name.split(".")[0]
        if base in nbs: out[y.name[: -len(".yaml")]] = nbs[base]
    return out


def _runs_this_python(spec) -> bool:
    exe = spec.argv[0] if spec.argv else ""
    # jupyter_client replaces a bare 'python' / 'python3' / 'python3.X' with sys.executable
    if exe in {"python", f"python{sys.version_info[0]}", "python%d.%d" % sys.version_info[:2]}: return True
    try: return Path(exe).resolve() == Path(sys.executable).resolve() or Path(exe).absolute() == Path(sys.executable).absolute()
    except OSError: return False


def ensure_kernel(name: str = "python3") -> str:
    "A kernelspec name whose kernel runs `sys.executable`; installs one into sys.prefix when needed."
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    def find(n):
        try: return KernelSpecManager().get_kernel_spec(n)
        except NoSuchKernel: return None
    spec = find(name)
    if spec is not None and _runs_this_python(spec): return name
    # missing: install under the asked name; shadowed by another interpreter's spec: install under our own name
    target = name if spec is None else "text-difuse"
    print(f"reproduce: kernelspec {name!r} {'missing' if spec is None else 'runs ' + spec.argv[0]}; "
          f"installing {target!r} for {sys.executable} into {sys.prefix}", flush=True)
    subprocess.run([sys.executable, "-m", "ipykernel", "install", "--sys-prefix", "--name", target,
                    "--display-name", f"Python 3 ({Path(sys.prefix).name})"], check=True, stdout=subprocess.DEVNULL)
    spec = find(target)
    if spec is None or not _runs_this_python(spec): raise RuntimeError(f"could not install a kernelspec for {sys.executable}")
    return target


def notebook_parameters(path: Path) -> list[str]:
    "Names assigned in the cell tagged `parameters` of the notebook at `path`."
    import ast, json
    nb = json.loads(Path(path).read_text())
    cells = [c for c in nb.get("cells", []) if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells: raise ValueError(f"{path}: no cell tagged 'parameters'")
    src = "".join(cells[0]["source"]) if isinstance(cells[0]["source"], list) else cells[0]["source"]
    names = []
    for node in ast.parse(src).body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        for t in targets:
            for n in ast.walk(t):
                if isinstance(n, ast.Name) and n.id not in names: names.append(n.id)
    return names


def parameters(nb_id: str, profile: str) -> dict:
    "The papermill parameters of notebook `nb_id` for `profile` (paper: the yaml, plus `out=results/<id>` if the notebook has `out`)."
    if profile == "smoke": return {}
    import yaml
    y = REPRO / f"{nb_id}.yaml"
    if not y.exists(): raise FileNotFoundError(f"no paper parameters for {nb_id!r}: {y} is missing")
    params = yaml.safe_load(y.read_text()) or {}
    if not isinstance(params, dict): raise ValueError(f"{y}: expected a mapping of parameter names to values")
    known = notebook_parameters(REPRO / f"{nb_id.split('.')[0]}.ipynb")
    unknown = sorted(set(params) - set(known))
    if unknown: raise ValueError(f"{y}: unknown parameter(s) {', '.join(unknown)}; the notebook's parameters: {', '.join(known)}")
    if "out" in known: params.setdefault("out", f"results/{nb_id.replace('.', '_')}")
    return params


def run_one(nb_id: str, path: Path, profile: str, kernel: str, progress: bool) -> tuple[bool, float, str]:
    import papermill as pm
    out = EXECUTED / profile / f"{nb_id}.ipynb"
    out.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    try:
        params = parameters(nb_id, profile)
        pm.execute_notebook(str(path), str(out), parameters=params, kernel_name=kernel, language="python", cwd=str(path.parent),
                            progress_bar=progress, report_mode=False)
        return True, time.perf_counter() - t0, str(out)
    except Exception as e:  # a failing notebook must not stop the others
        msg = getattr(e, "evalue", None) or f"{type(e).__name__}: {e}"
        if not isinstance(e, (FileNotFoundError, ValueError)) and not hasattr(e, "evalue"): traceback.print_exc()
        return False, time.perf_counter() - t0, f"{msg} (see {out})" if out.exists() else str(msg)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog=__doc__.split("\n", 1)[1])
    p.add_argument("--profile", choices=PROFILES, default="smoke", help="smoke: notebook defaults; paper: nbs/repro/<id>.yaml")
    p.add_argument("--only", default=None, help="comma-separated notebook ids (default: all)")
    p.add_argument("--list", action="store_true", help="list the notebook ids and exit")
    p.add_argument("--threads", type=int, default=None, help="set OMP/MKL/OpenBLAS thread counts for the kernels")
    p.add_argument("--kernel", default="python3", help="kernelspec name (default python3; must run this interpreter)")
    p.add_argument("--no-progress", action="store_true", help="no per-cell progress bar")
    ns = p.parse_args(argv)

    nbs = notebooks()
    if ns.profile == "paper": nbs.update(variants())
    if ns.list:
        for k, v in nbs.items(): print(f"{k}\t{v.relative_to(ROOT)}\t{'yaml' if (REPRO / f'{k}.yaml').exists() else 'no yaml'}")
        return 0
    if ns.only:
        ids = [s.strip() for s in ns.only.split(",") if s.strip()]
        bad = [i for i in ids if i not in nbs]
        if bad:
            print(f"reproduce: unknown notebook id(s) {', '.join(bad)}; known: {', '.join(nbs) or 'none'}", file=sys.stderr)
            return 2
    else: ids = list(nbs)
    if not ids: print(f"reproduce: no notebooks in {REPRO}", file=sys.stderr); return 2

    os.environ.setdefault("TEXT_DIFUSE_DATA", str((ROOT.parent / "shared" / "data").resolve()))
    os.environ.setdefault("MPLBACKEND", "Agg")
    if ns.threads:
        for v in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS", "TEXT_DIFUSE_THREADS"):
            os.environ[v] = str(ns.threads)
    kernel = ensure_kernel(ns.kernel)

    results = []
    for i, nb_id in enumerate(ids, 1):
        print(f"[{i}/{len(ids)}] {nb_id} ({ns.profile}) ...", flush=True)
        ok, secs, info = run_one(nb_id, nbs[nb_id], ns.profile, kernel, progress=not ns.no_progress)
        print(f"[{i}/{len(ids)}] {nb_id}: {'ok' if ok else 'FAILED'} in {secs:.1f}s -> {info}", flush=True)
        results.append((nb_id, ok, secs))
    failed = [r[0] for r in results if not r[1]]
    print(f"reproduce: {len(results) - len(failed)}/{len(results)} ok" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
