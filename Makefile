# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test smoke docs bench clean

# pmops' own modules compiled ahead (compileall writes them even where PYTHONDONTWRITEBYTECODE is
# set; it skips those already fresh): otherwise every pmops process — each one a test starts, the
# background index after a write, the search server — compiles its modules from source again,
# about 0.07 s of CPU each.
COMPILE := $(BIN)/python -m compileall -q src

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,mcp]"
	touch $(STAMP)

## demo: run pmops on a temporary copy of examples/kb (the repository is not changed)
demo: $(STAMP)
	@$(COMPILE)
	@PATH="$(CURDIR)/$(BIN):$$PATH" bash examples/demo.sh

## test: the linter, then the whole test suite, on every core (pytest-xdist); installs the mcp extra too, and its
## tests must run (PMOPS_REQUIRE_MCP: a missing SDK fails them, never skips them). --dist worksteal: a worker
## that has run out of tests takes some of the other's (200 s against 264 s for xdist's default, back to back)
test: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	@$(COMPILE)
	PMOPS_REQUIRE_MCP=1 $(BIN)/python -m pytest -q -n auto --dist worksteal

## smoke: build the wheel, install it in a clean venv, run pmops init + insight add there
smoke: $(STAMP)
	bash .ci/smoke

## docs: regenerate the CLI reference from --help
docs: $(STAMP)
	$(BIN)/python -m tests.gen_cli_docs > docs/cli.md

clean:
	rm -rf $(VENV) dist build .pytest_cache .hypothesis
