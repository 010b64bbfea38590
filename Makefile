# Two commands do all the set-up on a fresh machine with Python 3.11+ and make:
#   make run    create .venv, install, prepare the catalogs, start the bot (console without a token)
#   make test   create .venv, install with the test extra, run ruff and pytest
#   make test-fast  the quick loop: ruff and the tests not marked slow (no browser, Redis, bench),
#               on every core
#   make bench  install the test and bench extras, run every benchmark (docs/performance.md)
#   make eval   the FAQ search on real student questions, dev and test halves (eval/README.md)
#   make package-check  build the wheel and sdist, install the wheel in a fresh virtualenv, use
#               it from outside the repository, lint the Dockerfile (CI runs it; needs PyPI)
#   make web-audit  Lighthouse (mobile) and axe-core on the site and the web chat: prints the
#               scores (installs them from npm into scripts/web_audit the first time)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
BENCH_STAMP := $(VENV)/.installed-bench
PACKAGE_STAMP := $(VENV)/.installed-package
PO := $(wildcard locales/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)

.PHONY: run test test-fast lint check catalogs i18n readme readme-graph bench eval package-check site web-audit clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po | $(STAMP)
	$(BIN)/pybabel compile -d locales -D messages -l $* >/dev/null  # fuzzy entries are left out

catalogs: $(MO)

run: $(STAMP) catalogs
	$(BIN)/aps-bot

test: $(TEST_STAMP) catalogs
	$(BIN)/ruff check bot tests
	$(BIN)/python -m pytest -q

test-fast: $(TEST_STAMP) catalogs
	$(BIN)/ruff check bot tests
	APS_BOT_TEST_FAST=1 $(BIN)/python -m pytest -q -m "not slow" -n auto $(PYTEST_ARGS)

$(BENCH_STAMP): pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@ $(TEST_STAMP) $(STAMP)

# Every benchmark: prints a table, writes bench/results.json (a few minutes; run on a quiet machine)
bench: $(BENCH_STAMP) catalogs
	$(BIN)/python -m bench $(BENCH_ARGS)

# The FAQ evaluation table (eval/questions.yaml), with a bm25s baseline
eval: $(BENCH_STAMP)
	$(BIN)/python -m bench.faq_eval $(EVAL_ARGS)

$(PACKAGE_STAMP): pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[package]'
	touch $@ $(STAMP)

# The package as a user gets it (scripts/check_package.sh says each step); about 30 s.
package-check: $(PACKAGE_STAMP)
	PYTHON=$(BIN)/python scripts/check_package.sh

check: $(STAMP)
	$(BIN)/aps-bot check

# Maintainers: after changing user-facing strings, refresh the catalogs, then translate what is new
# (only the messages that changed are rewritten: see locales/README.md).
i18n: $(STAMP)
	$(BIN)/python scripts/i18n.py

# After changing knowledge/flow.yaml or a command: refresh README.md's walkthrough diagram and
# command lists (tests check them).
readme: $(STAMP)
	$(BIN)/python scripts/update_readme.py

readme-graph: readme

# The static FAQ site in _site/ (deploy the folder to any static host), weighed against its budgets.
site: $(STAMP) catalogs
	$(BIN)/aps-bot site _site
	$(BIN)/python scripts/site_budget.py --site _site

# Lighthouse and axe-core scores of every page type (scripts/web_audit.py; RUNS=3 for medians)
web-audit: $(TEST_STAMP) catalogs
	$(BIN)/python scripts/web_audit.py --runs $(or $(RUNS),1)

clean:
	rm -rf $(VENV) locales/*/LC_MESSAGES/*.mo dist build *.egg-info
