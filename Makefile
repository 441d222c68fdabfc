# The commands in README.md. Each sets itself up on a fresh machine with Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
DEV := DJANGO_SETTINGS_MODULE=config.settings.dev

.PHONY: install checkers run serve test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# The page checkers the suite runs (Nu HTML Checker, axe-core): npm packages pinned in
# tests/package-lock.json. No install scripts: vnu-jar's would fetch a Java of its own.
CHECKERS := tests/node_modules/.package-lock.json
$(CHECKERS): tests/package-lock.json
	npm ci --prefix tests --ignore-scripts --no-audit --no-fund
	touch $(CHECKERS)

checkers: $(CHECKERS)

run: install
	$(DEV) $(BIN)/dateline migrate --noinput
	$(DEV) $(BIN)/dateline demo --if-empty
	@echo
	@echo "Dateline is starting on http://127.0.0.1:8000/"
	@echo "The desk: http://127.0.0.1:8000/newsroom/ (the demo printed its sign-ins above on its first load)"
	@echo "Your own admin: $(BIN)/dateline createsuperuser"
	@echo
	@# The background worker (webhook deliveries) beside the server, stopped with it.
	$(DEV) $(BIN)/dateline worker & WORKER=$$!; \
	trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	$(DEV) $(BIN)/dateline runserver 127.0.0.1:8000

serve: install
	$(BIN)/dateline migrate --noinput
	$(BIN)/dateline serve

test: install checkers
	$(BIN)/ruff check .
	$(BIN)/pytest

bench: install
	bash bench/run.sh

clean:
	rm -rf $(VENV) var test-output tests/node_modules
