#!/usr/bin/env python
"""Make the registry's (CUDA-built) torchvision import on a CPU-only torch.

Every torchvision wheel on PyPI is a CUDA build: its `_C.so` needs `libc10_cuda.so`,
`libtorch_cuda.so` and `libcudart.so.13`, which a CPU torch does not ship, so
`import torchvision` fails with "operator torchvision::nms does not exist".

`python tools/tvshim.py install` (run by `tools/setup.sh`, only when torch has no CUDA):
1. lists the symbols `_C.so` needs that no CPU torch library defines (the `c10::cuda`
   / `at::cuda` entry points),
2. compiles (gcc, ~1 s) two tiny libraries with the sonames `libc10_cuda.so` and
   `libtorch_cuda.so` defining those symbols; each stub aborts with a message if it is
   ever called (CPU code paths never call them),
3. writes `_tvshim.pth` into site-packages, which preloads the stubs and the CUDA runtime
   bundled with the wheel (RTLD_GLOBAL) before anything imports torchvision.
A user with a CUDA torch installs nothing (`install` is a no-op there).
`python tools/tvshim.py check` imports torchvision and runs `ops.nms` on CPU.
"""
import ctypes, importlib.util, pathlib, subprocess, sys, sysconfig, tempfile

SHIM_DIR = "_tvshim"

def _pkg_dir(name):
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations: raise SystemExit(f"{name} is not installed")
    return pathlib.Path(list(spec.submodule_search_locations)[0])

def torch_has_cuda():
    return any((_pkg_dir("torch") / "lib").glob("libtorch_cuda*.so*"))

def _symbols(lib, defined):
    flag = "--defined-only" if defined else "--undefined-only"
    out = subprocess.run(["nm", "-D", flag, str(lib)], capture_output=True, text=True, check=True).stdout
    syms = set()
    for line in out.splitlines():
        parts = line.split()
        if not parts: continue
        if not defined and parts[0] != "U": continue
        name = parts[-1]
        if "@" not in name: syms.add(name)
    return syms

def missing_symbols():
    "Symbols torchvision's `_C.so` needs that no CPU torch library defines."
    need = _symbols(_pkg_dir("torchvision") / "_C.so", defined=False)
    have = set()
    for lib in (_pkg_dir("torch") / "lib").glob("*.so*"): have |= _symbols(lib, defined=True)
    return sorted(s for s in need - have if s.startswith("_Z"))

def _stub_source(symbols):
    lines = ["#include <stdio.h>", "#include <stdlib.h>",
             "static void td_abort(const char *s){fprintf(stderr,\"text_difuse tvshim: CUDA entry point %s \"",
             "\"called on a CPU-only torch\\n\", s); abort();}"]
    for s in symbols:
        if "CUDACachingAllocator9allocatorE" in s: lines.append(f"char {s}[64];")  # a variable, never a function
        else: lines.append(f"void {s}(void){{td_abort(\"{s}\");}}")
    return "\n".join(lines) + "\n"

def install(site=None):
    site = pathlib.Path(site or sysconfig.get_paths()["purelib"])
    pth = site / "_tvshim.pth"
    if torch_has_cuda():
        print("tvshim: torch has CUDA, nothing to do"); pth.unlink(missing_ok=True); return
    out = site / SHIM_DIR; out.mkdir(exist_ok=True)
    syms = missing_symbols()
    with tempfile.TemporaryDirectory() as tmp:
        src = pathlib.Path(tmp) / "stubs.c"; src.write_text(_stub_source(syms))
        for soname in ("libc10_cuda.so", "libtorch_cuda.so"):
            body = src if soname == "libc10_cuda.so" else pathlib.Path(tmp) / "empty.c"
            if body.name == "empty.c": body.write_text("int td_tvshim_empty;\n")
            subprocess.run(["gcc", "-shared", "-fPIC", "-O1", f"-Wl,-soname,{soname}", str(body), "-o", str(out / soname)], check=True)
    (out / "__init__.py").write_text(LOADER)
    pth.write_text(f"import {SHIM_DIR}\n")
    print(f"tvshim: {len(syms)} CUDA symbols stubbed in {out}")

LOADER = '''"Preload CUDA stubs so the CUDA-built torchvision wheel imports on CPU torch (tools/tvshim.py)."
import ctypes as _c, importlib.util as _u, pathlib as _p
def _load():
    here = _p.Path(__file__).parent
    spec = _u.find_spec("torchvision")
    if spec is None or not spec.submodule_search_locations: return
    libs = _p.Path(list(spec.submodule_search_locations)[0]).parent / "torchvision.libs"
    for lib in sorted(libs.glob("libcudart*.so*")) + [here / "libc10_cuda.so", here / "libtorch_cuda.so"]:
        try: _c.CDLL(str(lib), mode=_c.RTLD_GLOBAL)
        except OSError: pass
_load()
'''

def check():
    import torch, torchvision
    boxes = torch.tensor([[0., 0, 10, 10], [1, 1, 11, 11], [50, 50, 60, 60]])
    keep = torchvision.ops.nms(boxes, torch.tensor([0.9, 0.8, 0.7]), 0.5)
    assert keep.tolist() == [0, 2], keep
    print("tvshim: torchvision", torchvision.__version__, "ops.nms OK on", torch.__version__)

if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else "install"
    {"install": install, "check": check}[cmd]()
