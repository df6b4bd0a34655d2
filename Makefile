# Everyday commands. `make run` starts the system, `make test` runs the tests (see README).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
SERVICES := $(notdir $(patsubst %/,%,$(dir $(wildcard services/*/*/service.py))))
SERVICES := $(sort $(foreach s,$(SERVICES),$(if $(wildcard services/$(s)/$(s)/service.py),$(s))))
export PYTHONPATH := $(CURDIR):$(CURDIR)/services/identity:$(CURDIR)/services/lockout:$(CURDIR)/services/notification:$(CURDIR)/services/delegation

.PHONY: help venv infra run test test-unit test-interface test-integration test-browser lint format bench bench-quick dead-letters clean lock audit k8s-check

help:
	@echo "make run    - set up and run all services (embedded stores unless DATABASE_URL is set)"
	@echo "make test   - set up and run the whole test suite (needs PostgreSQL and RabbitMQ: started if local)"
	@echo "make test-unit | test-interface | test-integration | test-browser - one layer (shared/testing/layers.py)"
	@echo "make lint   - ruff and mypy"
	@echo "make bench  - benchmarks against baselines measured in the same run (bench-quick: < 2 min)"
	@echo "make audit ARGS=\"replay-check\" - audit and privacy tool over the four stores (docs/audit.md)"
	@echo "make k8s-check - render deploy/k8s overlays, validate them offline, check the Dockerfile"

$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required (nameko 2.14 runs on Python 3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

venv: $(VENV)/.installed

lock: venv
	$(VENV)/bin/pip freeze --exclude-editable > requirements.txt

infra:
	@bash scripts/infra-up.sh

# Health and metrics: one port per service of the process (override any of them).
run: export IDENTITY_HTTP_PORT ?= 8081
run: export LOCKOUT_HTTP_PORT ?= 8082
run: export NOTIFICATION_HTTP_PORT ?= 8083
run: export DELEGATION_HTTP_PORT ?= 8084
run: venv
	$(PY) -m shared.runtime.runner $(SERVICES)

test: venv infra
	$(PY) -m pytest -q -p no:cacheprovider; status=$$?; \
	if [ $$status -eq 5 ]; then echo "no tests were collected: failing" >&2; exit 1; fi; exit $$status

# One layer of the suite (markers given at collection by shared/testing/layers.py).
PYTEST_LAYER = $(PY) -m pytest -q -p no:cacheprovider -m
NO_TESTS_FAIL = status=$$?; if [ $$status -eq 5 ]; then echo "no tests were collected: failing" >&2; exit 1; fi; exit $$status

test-unit: venv
	$(PYTEST_LAYER) unit; $(NO_TESTS_FAIL)

test-interface: venv infra
	$(PYTEST_LAYER) interface; $(NO_TESTS_FAIL)

test-integration: venv infra
	$(PYTEST_LAYER) integration; $(NO_TESTS_FAIL)

# Browser tests may not exist yet: none collected is not a failure here.
test-browser: venv infra
	$(PYTEST_LAYER) browser; status=$$?; \
	if [ $$status -eq 5 ]; then echo "no browser tests yet"; exit 0; fi; exit $$status

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy shared
	$(VENV)/bin/mypy audit bench
	@for service in $(SERVICES); do $(VENV)/bin/mypy services/$$service || exit 1; done

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: venv infra
	$(PY) -m bench.run --mode full

bench-quick: venv infra
	$(PY) -m bench.run --mode quick

k8s-check: venv
	$(PY) -m pytest -q -p no:cacheprovider tests/operations/test_k8s_manifests.py tests/operations/test_container_image.py

dead-letters: venv
	$(PY) -m shared.runtime.dead_letters list

audit: venv
	$(PY) -m audit $(ARGS)

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
