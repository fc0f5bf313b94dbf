#!/usr/bin/env python
"""Score a detector at several inference sizes on the held-out validation pairs and on the test split (ultralytics' own
validator, the same data as training), pick the size by validation mAP@0.5, and optionally write it into the weights'
manifest (`imgsz`, `augment` and the NMS IoU `iou`, which the yolo locator uses).

Usage:  .venv/bin/python tools/detector_sizes.py --weights text_difuse/weights/detector_msrs.pt --data runs/det480/data_stack/data.yaml
                                                [--sizes 320,480,640] [--ious 0.5,0.7] [--augment]
                                                [--out results/detector] [--set-manifest]
Writes: OUT/sizes.csv, OUT/sizes.md, OUT/params.json
"""
from __future__ import annotations
import argparse, json, subprocess, sys, time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--weights", default=str(REPO / "text_difuse" / "weights" / "detector_msrs.pt"))
    p.add_argument("--data", required=True, help="the ultralytics data.yaml the detector was trained with (its val and test splits)")
    p.add_argument("--sizes", default="320,480,640")
    p.add_argument("--ious", default="0.7", help="NMS IoU thresholds to score (0.7: ultralytics' validator default); the choice is among them too")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--out", default=str(REPO / "results" / "detector"))
    p.add_argument("--augment", action="store_true", help="also score each size with ultralytics' test-time augmentation (flips and scales); the choice is then among both")
    p.add_argument("--set-manifest", action="store_true", help="write the size (and augmentation) chosen on validation into the weights' manifest")
    a = p.parse_args(argv)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    import pandas as pd
    from text_difuse.detector import ultralytics, per_class_ap, load_detector_manifest
    from text_difuse.weights import write_manifest
    U = ultralytics()
    path, man = load_detector_manifest(a.weights)
    rows = []
    for s in [int(x) for x in a.sizes.split(",")]:
        for aug in ((False, True) if a.augment else (False,)):
            for iou in [float(x) for x in a.ious.split(",")]:
                for split in ("val", "test"):
                    r = U.YOLO(str(path)).val(data=a.data, split=split, imgsz=s, batch=a.batch, device="cpu", plots=False, verbose=False, augment=aug, iou=iou,
                                              workers=0, project=str(REPO / "runs" / "detector_sizes"), name=f"{split}_{s}{'_tta' if aug else ''}_iou{iou:g}", exist_ok=True)
                    pc = per_class_ap(r.box)["per_class_map50"]
                    rows.append(dict(imgsz=s, augment=aug, iou=iou, split=split, map50=round(float(r.box.map50), 4), map50_95=round(float(r.box.map), 4),
                                     **{f"AP50 {c}": v for c, v in pc.items()}))
    df = pd.DataFrame(rows)
    val = df[df.split == "val"].reset_index(drop=True)
    pick = val.loc[val.map50.idxmax()]
    best, best_aug, best_iou = int(pick.imgsz), bool(pick.augment), float(pick.iou)
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    df.to_csv(out / "sizes.csv", index=False)
    md = [f"# Inference size of {path.name} (trained at {man.get('imgsz_trained', man.get('imgsz'))} px)", "",
          f"ultralytics' validator on the held-out validation pairs and on the MSRS test split; the size is chosen on validation: **{best} px{', test-time augmentation' if best_aug else ''}, NMS IoU {best_iou:g}**.", "",
          df.to_markdown(index=False), ""]
    (out / "sizes.md").write_text("\n".join(md))
    (out / "params.json").write_text(json.dumps(dict(script="tools/detector_sizes.py", args=vars(a), weights_sha256=man.get("sha256"),
                                                     chosen=best, chosen_augment=best_aug, chosen_iou=best_iou, git_commit=commit, date=time.strftime("%Y-%m-%d %H:%M:%S")), indent=1) + "\n")
    print("\n".join(md))
    if a.set_manifest and (man.get("imgsz") != best or bool(man.get("augment", False)) != best_aug or man.get("iou") != best_iou):
        m = {k: v for k, v in man.items() if k not in ("file", "sha256", "bytes")}
        m.update(imgsz=best, augment=best_aug, iou=best_iou, imgsz_trained=man.get("imgsz_trained", man.get("imgsz")),
                 imgsz_choice="results/detector/sizes.md (validation mAP@0.5)")
        write_manifest(path, m)
        print(f"manifest: imgsz {man.get('imgsz')} -> {best}, augment {best_aug}, NMS IoU {man.get('iou')} -> {best_iou:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
