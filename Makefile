# The README's two commands:  make run  (set up + start the app)  and  make test  (set up + every test).
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check --quiet

.PHONY: run test lint bench models traces data chromium clean

$(PY):
	python3 -m venv $(VENV)

$(VENV)/.deps: requirements.txt | $(PY)
	$(PIP) install -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt requirements-hf.txt $(VENV)/.deps
	$(PIP) install -r requirements-dev.txt
	touch $@

# Debian's Chromium for the browser tests and figure export (never `playwright install`).
chromium:
	@./scripts/install-chromium.sh

# The app works without Chromium; only PNG/SVG export needs it, so a failed install is not fatal here.
run: $(VENV)/.deps
	-@./scripts/install-chromium.sh || echo "note: without chromium, figures export as HTML only"
	$(PY) -m app_pages.launch  # = streamlit run app.py

lint: $(VENV)/.dev-deps
	$(PY) -m ruff check .

test: $(VENV)/.dev-deps chromium lint
	$(PY) -m pytest

bench: $(VENV)/.dev-deps chromium
	$(PY) -m bench

# Attention beside attribution is measured apart from training (minutes a model: integrated gradients on the first
# test examples), one model at a time, after them all.
models: $(VENV)/.deps
	./scripts/train-all.sh
	$(PY) -m attention_core card --model all --attribution
	$(PY) -m attention_core.catalog

# The traces shipped beside their models (the first page's default input: attention_core/catalog.py), anew.
traces: $(VENV)/.deps
	$(PY) -m attention_core.catalog

data: $(VENV)/.deps
	./scripts/build-en-es-corpus.sh

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
