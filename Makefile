# Everyday commands. `make run` starts the system, `make test` runs the tests (see README).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
SERVICES := $(notdir $(patsubst %/,%,$(dir $(wildcard services/*/*/service.py))))
SERVICES := $(sort $(foreach s,$(SERVICES),$(if $(wildcard services/$(s)/$(s)/service.py),$(s))))
export PYTHONPATH := $(CURDIR):$(CURDIR)/services/identity:$(CURDIR)/services/lockout:$(CURDIR)/services/notification:$(CURDIR)/services/delegation

.PHONY: help venv infra portal-deps run test test-unit test-browser lint format bench bench-quick dead-letters clean lock audit k8s-check

help:
	@echo "make run    - set up and run the services, the portal on http://localhost:8080 and the dev mailbox"
	@echo "make test   - set up and run the whole test suite (needs PostgreSQL and RabbitMQ: started if local)"
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

# The portal's non-Python needs: espeak-ng, chromium, npm (apt), the CSS base (npm ci), voices.
portal-deps: venv
	@bash scripts/portal-deps.sh

# Health and metrics: one port per service of the process (override any of them).
run: export IDENTITY_HTTP_PORT ?= 8081
run: export LOCKOUT_HTTP_PORT ?= 8082
run: export NOTIFICATION_HTTP_PORT ?= 8083
run: export DELEGATION_HTTP_PORT ?= 8084
run: venv infra portal-deps
	@bash scripts/run-dev.sh $(SERVICES)

test: venv infra portal-deps
	$(PY) -m pytest -q -p no:cacheprovider; status=$$?; \
	if [ $$status -eq 5 ]; then echo "no tests were collected: failing" >&2; exit 1; fi; exit $$status

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy shared
	$(VENV)/bin/mypy audit bench
	$(VENV)/bin/mypy connexion_client
	$(VENV)/bin/mypy gateway
	@for service in $(SERVICES); do $(VENV)/bin/mypy services/$$service || exit 1; done

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: venv infra
	$(PY) -m bench.run --mode full

bench-quick: venv infra
	$(PY) -m bench.run --mode quick

test-browser: venv infra portal-deps
	$(PY) -m pytest -q -p no:cacheprovider gateway/tests/browser

# The HTTP API's OpenAPI document, generated from its schemas (a test compares it with docs/openapi.json).
.PHONY: openapi
openapi: venv
	$(PY) -m gateway.api.openapi docs/openapi.json

k8s-check: venv
	$(PY) -m pytest -q -p no:cacheprovider tests/operations/test_k8s_manifests.py tests/operations/test_container_image.py

dead-letters: venv
	$(PY) -m shared.runtime.dead_letters list

audit: venv
	$(PY) -m audit $(ARGS)

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
