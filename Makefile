# The two commands of the README: `make demo` (set up + main job) and `make test` (set up + all tests).
SHELL := /bin/bash
VENV := .venv/bin
JEMALLOC := $(firstword $(wildcard /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /usr/lib/aarch64-linux-gnu/libjemalloc.so.2))
export LD_PRELOAD := $(JEMALLOC)
export TEXT_DIFUSE_DATA ?= $(abspath ../shared/data)
export MPLBACKEND := Agg
export PYTHONWARNINGS := ignore::UserWarning:nbdev.doclinks

.PHONY: setup demo test test-nb test-py reproduce clean-smoke gpu-train gpu-dry-run
setup:
	bash tools/setup.sh

demo: setup
	$(VENV)/text-difuse demo --out demo_out

test: setup
	$(VENV)/python tools/guard.py
	$(VENV)/nbdev_export
	$(VENV)/nbdev_test --n_workers 2
	$(VENV)/python -m pytest -q tests

reproduce: setup
	$(VENV)/python tools/reproduce.py --profile paper

gpu-train: setup      # on a GPU machine: train, export and benchmark both presets (tools/gpu_recipe.py)
	$(VENV)/python tools/gpu_recipe.py --out runs/gpu $(ARGS)

gpu-dry-run: setup    # the same recipe on CPU with the tiny network (what CI checks)
	$(VENV)/python tools/gpu_recipe.py --dry-run --out runs/gpu_dry
