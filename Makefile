# PolicyKG: `make run` builds the graph from corpus/ and serves it; `make test` runs the suite.
# Both install everything they need into .venv first, so they work on a fresh machine.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The editable install prints a setuptools notice on every install; PYTHONWARNINGS silences that one only.
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run build test lint bench eval sysdeps clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	PYTHONWARNINGS="ignore:Editable installation" $(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

# Debian packages the picture exports and browser tests need (Graphviz, a CJK font, Chromium).
sysdeps:
	@if ! command -v dot >/dev/null || ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq graphviz fonts-noto-cjk chromium chromium-driver >/dev/null; \
	fi

build: $(STAMP)
	$(BIN)/policykg build corpus/

run: build
	$(BIN)/policykg serve --host $(HOST) --port $(PORT)

test: $(STAMP) sysdeps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python -m bench

eval: $(STAMP)
	$(BIN)/python -m bench.evaluate
	$(BIN)/python -m bench.evaluate --embed

clean:
	rm -rf .policykg $(VENV)
