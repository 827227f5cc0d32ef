# Two commands: `make run` and `make test`. Both build the virtualenv on first use, from
# the versions pinned in constraints.txt, so a fresh clone installs what was tested.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint format bench lock

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --constraint constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/larch-bot db upgrade
	$(BIN)/larch-bot kb check
	$(BIN)/larch-bot run

test: install lint
	$(BIN)/larch-bot kb check
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python bench/search.py
	$(BIN)/python bench/kb_quality.py
	$(BIN)/python bench/intros.py
	$(BIN)/python bench/rsvp.py
	$(BIN)/python bench/dispatch.py
	$(BIN)/python bench/slack_http.py

# After changing a dependency in pyproject.toml: resolve every version afresh in a
# throwaway virtualenv and pin what it installed. Commit constraints.txt with the change.
lock:
	rm -rf build/lock-venv
	$(PYTHON) -m venv build/lock-venv
	build/lock-venv/bin/python -m pip install --quiet --upgrade pip
	build/lock-venv/bin/python -m pip install --quiet -e '.[dev]'
	( echo "# Every package \`make install\` installs, pinned. Regenerate with \`make lock\`."; \
	  build/lock-venv/bin/python -m pip freeze --exclude-editable | sed "s/+cpu$$//" ) > constraints.txt
	rm -rf build/lock-venv
