#!/usr/bin/env bash
# Create or reuse the project's virtual environment in .venv and install text_difuse into it.
# Every install goes through constraints.txt (PIP_CONSTRAINT): torch stays the CPU wheel.
# Usage: bash tools/setup.sh            (EXTRAS=dev,detect by default; EXTRAS=dev skips the AGPL detector)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
EXTRAS=${EXTRAS:-dev,detect}
export PIP_CONSTRAINT="$PWD/constraints.txt" PIP_DISABLE_PIP_VERSION_CHECK=1
[ -x .venv/bin/python ] || "$PY" -m venv .venv
stamp=.venv/.text_difuse-installed
want=$(cat constraints.txt settings.ini setup.py | sha256sum | cut -c1-16)-$EXTRAS
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing text_difuse[$EXTRAS] into .venv (first time: ~2 min, ~2.5 GB)"
  .venv/bin/python -m pip install -q --upgrade pip wheel 'setuptools<81'
  # torch first, alone, so that nothing else can choose a different build
  .venv/bin/python -m pip install -q "torch==2.13.0+cpu" || .venv/bin/python -m pip install -q torch
  .venv/bin/python -m pip install -q -e ".[$EXTRAS]"
  .venv/bin/python tools/tvshim.py install
  echo "$want" > "$stamp"
fi
.venv/bin/python tools/tvshim.py check >/dev/null
