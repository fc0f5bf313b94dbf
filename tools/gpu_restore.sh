#!/usr/bin/env bash
# One lent-GPU session of restorer training (issue 16): continue `restore`'s default weights behind their frozen tone head
# (luma anchored, the sampler's single step) at a large batch, fed by CPU worker processes, on the compact data pack that
# tools/pack_data.py writes (the GPU machine cannot see ../shared). Writes OUT/restore_gpu.pt (+ .json manifest), OUT/log.csv
# and OUT/machine.txt. Needs only the machine's python3 with torch and opencv: of the package, only `train-restore` is loaded.
#
#   bash tools/gpu_restore.sh OUT MINUTES          # e.g. on the device tool: bash tools/gpu_restore.sh "$OUT" 8
# env: DATA (default .gpu/data), PY (python3), BATCH (128), LR (2.5e-4), WORKERS (cores - 2), INIT (the shipped default)
set -uo pipefail
OUT=${1:?usage: gpu_restore.sh OUT MINUTES}; MIN=${2:-8}
DATA=${DATA:-.gpu/data}; PY=${PY:-python3}; BATCH=${BATCH:-128}; LR=${LR:-2.5e-4}
INIT=${INIT:-text_difuse/weights/restore_behind_tone.pt}; WORKERS=${WORKERS:-$(( $(nproc) > 3 ? $(nproc) - 2 : 1 ))}
export PYTHONUNBUFFERED=1 PYTHONWARNINGS=ignore PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH}
mkdir -p "$OUT"; T0=$(date +%s)
{ date -u; nproc; nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>&1; df -h /dev/shm 2>&1 | tail -1
  $PY -c "import torch, numpy, cv2; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(), 'numpy', numpy.__version__, 'cv2', cv2.__version__)"
  cat "$DATA/PACK.json"; } 2>&1 | tee "$OUT/machine.txt"
# the network's input switches (a noise-aware tone head: --tone-noise) come with the init weights (train.adopt_switches)
train() { $PY -c "import sys, text_difuse.cli as c; c.COMMAND_MODULES[:] = ['text_difuse.train']; sys.exit(c.main())" train-restore \
  -o "$OUT/run" --freeze-tone --luma anchored --high-t 1 --classify-norm --batch "$BATCH" --lr "$LR" --iters 100000000 \
  --ckpt-every 500 --log-every 50 --data-root "$DATA" --export "$OUT/restore_gpu.pt" "$@" 2>>"$OUT/progress.txt"; }
train --init "$INIT" --workers "$WORKERS" --max-minutes "$MIN"; rc=$?
if [ $rc -ne 0 ] && [ $rc -ne 130 ]; then   # e.g. worker processes refused (shared memory): resume in one process with the time left
  left=$(awk -v m="$MIN" -v s="$(( $(date +%s) - T0 ))" 'BEGIN { l = m - s / 60 - 0.5; print (l > 0.5 ? l : 0.5) }')
  echo "train-restore failed (exit $rc): resuming with --workers 0 for $left min" | tee -a "$OUT/machine.txt"
  if [ -f "$OUT/run/last.pt" ]; then train --resume --workers 0 --max-minutes "$left"; else train --init "$INIT" --workers 0 --max-minutes "$left"; fi; rc=$?
fi
cp "$OUT/run/log.csv" "$OUT/log.csv" 2>/dev/null
echo "exit $rc after $(( $(date +%s) - T0 )) s" | tee -a "$OUT/machine.txt"
exit $rc
