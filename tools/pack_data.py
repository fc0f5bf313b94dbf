"""A compact copy of the restorer's training data for a machine that cannot see `../shared` (a lent GPU receives at most
64 MiB with the repository): the MSRS train pairs as JPEG (4:4:4), every `--harvard-every`-th Harvard train pair and the
first `--bsds` BSDS500 train images, in the data root's own layout, so `--data-root OUT` works unchanged. Test images are
never copied. Writes OUT/PACK.json: what was kept and how (cite it in the manifest of weights trained on it).

    .venv/bin/python tools/pack_data.py --out .gpu/data --quality 92 --harvard-every 3 --bsds 100
"""
from __future__ import annotations
import argparse, json, os, shutil, sys
from pathlib import Path
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from text_difuse.data import data_root, load_dataset  # noqa: E402


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True)
    p.add_argument("--data-root", default=None)
    p.add_argument("--quality", type=int, default=92, help="JPEG quality of the MSRS images (4:4:4 chroma)")
    p.add_argument("--harvard-every", type=int, default=3, help="keep every k-th Harvard train pair of each task")
    p.add_argument("--msrs", type=int, default=None, help="only the first N MSRS train pairs (default: all)")
    p.add_argument("--bsds", type=int, default=100, help="the first N BSDS500 train images (already JPEG: copied as they are)")
    ns = p.parse_args(argv)
    src, out = data_root(ns.data_root), Path(ns.out)
    if out.exists(): shutil.rmtree(out)
    ms = load_dataset("msrs", "train", src)
    pairs = ms.pairs[:ns.msrs] if ns.msrs else ms.pairs
    for pr in pairs:
        for mod, path in (("ir", pr.a), ("vi", pr.b)):
            d = out / "msrs" / "test" / mod; d.mkdir(parents=True, exist_ok=True)
            Image.open(path).save(d / f"{pr.name}.jpg", "JPEG", quality=ns.quality, subsampling=0)
    names = [pr.name for pr in pairs]
    (out / "msrs" / "splits.json").write_text(json.dumps({"train": names, "test": []}))
    hv = load_dataset("harvard", "train", src, task="all")
    kept, by_task = [], {}
    for pr in hv.pairs:
        by_task.setdefault(pr.group, []).append(pr)
    for task, prs in by_task.items():
        for pr in prs[::ns.harvard_every]:
            for path in (pr.a, pr.b):
                rel = Path(path).relative_to(src); (out / rel).parent.mkdir(parents=True, exist_ok=True); shutil.copy2(path, out / rel)
            kept.append(f"{task}/{pr.name}")
    bs = sorted((src / "bsds500" / "train").iterdir())[:ns.bsds]
    for split in ("train", "val", "test"): (out / "bsds500" / split).mkdir(parents=True, exist_ok=True)   # the pool reads all three
    for f in bs: shutil.copy2(f, out / "bsds500" / "train" / f.name)
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    info = dict(source=os.path.relpath(src, Path(__file__).resolve().parents[1]),   # relative to the repository: results name no machine folders
                msrs_train_pairs=len(names), msrs_jpeg_quality=ns.quality, harvard_pairs=len(kept),
                harvard_every=ns.harvard_every, bsds500_train=len(bs), bytes=size)
    (out / "PACK.json").write_text(json.dumps(info, indent=1))
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    sys.exit(main())
