# Two commands matter: `make demo` (set up, seed the demo company, run Tandem) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install bench bench-reports clean browser system-deps bytecode

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Tandem needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# An editable install leaves Tandem's own modules uncompiled; where PYTHONDONTWRITEBYTECODE is set, every
# command would compile them again (~0.2 s of a `tandem ask`). compileall only redoes what changed.
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q backend assistant bots prompts >/dev/null

install: $(STAMP) bytecode system-deps

demo: $(STAMP) bytecode system-deps
	$(BIN)/tandem demo
	$(BIN)/tandem serve --host $(HOST) --port $(PORT)

# The browser tests drive Debian's Chromium through Playwright (no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null 2>&1 \
	  || echo "Could not install Chromium (needs root and Debian packages); the browser tests will be skipped."; }

# PDF reports: WeasyPrint needs Pango (and a font with Vietnamese). Installed from Debian packages when missing;
# without root or apt it says so and goes on (HTML and Markdown reports need nothing).
PDF_DEBS := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
system-deps:
	@command -v dpkg >/dev/null 2>&1 || { echo "Not Debian: make sure Pango is installed for PDF reports ($(PDF_DEBS))."; exit 0; }; \
	missing=""; for deb in $(PDF_DEBS); do dpkg -s $$deb >/dev/null 2>&1 || missing="$$missing $$deb"; done; \
	[ -z "$$missing" ] && exit 0; \
	sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo -n"; \
	echo "Installing$$missing for PDF reports ..."; \
	($$sudo apt-get update -qq && $$sudo apt-get install -y -qq --no-install-recommends $$missing) >/dev/null 2>&1 \
	  || echo "Could not install$$missing (needs root and apt-get): PDF reports will fail until they are installed; HTML and Markdown reports work."

test: $(STAMP) browser system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python benchmarks/tools.py

bench-reports: $(STAMP) system-deps
	$(BIN)/python benchmarks/reports.py

clean:
	rm -rf $(VENV) tandem-data build *.egg-info
