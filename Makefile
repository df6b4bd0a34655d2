# Everyday commands. `make run` starts the system, `make test` runs the tests (see README).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
# The services and the folders they import from: shared/service_registry.py, the one list.
SERVICES := $(shell $(PYTHON) -m shared.service_registry names)
export PYTHONPATH := $(shell $(PYTHON) -m shared.service_registry pythonpath)

# Pinned with hashes by `make lock` (pip-tools); every install checks them.
PIP_COMPILE := $(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras \
	--no-emit-index-url --no-emit-find-links --no-emit-trusted-host

.PHONY: help venv lock infra run test test-unit test-interface test-integration test-browser \
	test-faults lint \
	format bench bench-quick bench-peer-lock alerts restore-components k8s-check dead-letters audit openapi supply-chain sbom clean \
	broker-users portal-deps demo-household oidc-demo image-build image-check

# Every target carries a `## ` description: `make help` lists them (a test checks none is left out).
help: ## list every target with what it does
	@awk 'BEGIN {FS = ":[^#]*## "} /^[a-zA-Z0-9_-]+:[^=]*## / {printf "  make %-16s %s\n", $$1, $$2}' \
		$(MAKEFILE_LIST)


$(VENV)/.installed: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required (nameko 2.14 runs on Python 3.11)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed ## create .venv with the runtime and development packages (hash-checked)

# requirements.txt: what the image runs; requirements-dev.txt: that plus tests and tooling.
lock: venv ## re-pin requirements.txt and requirements-dev.txt, with hashes, from the .in files
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --allow-unsafe --output-file requirements-dev.txt requirements-dev.in

infra: ## start the local PostgreSQL and RabbitMQ (development machine)
	@bash scripts/infra-up.sh

# One RabbitMQ user per caller (portal, back-office, each service), each AMQP_URI in
# var/broker-users.json; VHOST=/ by default.
broker-users: venv infra ## one RabbitMQ user per caller on the local broker (docs/security.md)
	$(PY) -m shared.runtime.broker_admin --vhost "$${VHOST:-/}" --out var/broker-users.json

# The portal's non-Python needs: espeak-ng, chromium, npm (apt), the CSS base (npm ci), voices.
portal-deps: venv ## what the portal needs beyond Python: espeak-ng, chromium, npm, CSS base, voices
	@bash scripts/portal-deps.sh

# Health and metrics: each service on its registry port (IDENTITY_HTTP_PORT=... overrides).
run: venv infra portal-deps ## the services, the portal on http://localhost:8080 and the dev mailbox
	@bash scripts/run-dev.sh $(SERVICES)

# The whole suite but the faults layer: the browser layer in one process beside the rest spread
# over TEST_WORKERS processes (pytest-xdist; scripts/test-all.sh, shared/testing/parallel.py);
# the slowest tests are listed at the end (CI: well under 20 minutes).
TEST_WORKERS ?= 3
test: venv infra portal-deps ## the whole test suite against the local PostgreSQL and RabbitMQ
	PY=$(PY) TEST_WORKERS=$(TEST_WORKERS) bash scripts/test-all.sh

# One layer of the suite (markers given at collection by shared/testing/layers.py).
PYTEST_LAYER = $(PY) -m pytest -q -p no:cacheprovider -m
NO_TESTS_FAIL = status=$$?; if [ $$status -eq 5 ]; then echo "no tests were collected: failing" >&2; exit 1; fi; exit $$status

test-unit: venv ## the unit layer: no broker, no PostgreSQL (shared/testing/layers.py)
	$(PYTEST_LAYER) unit; $(NO_TESTS_FAIL)

test-interface: venv infra ## the interface layer: tests using the broker or PostgreSQL
	$(PYTEST_LAYER) interface; $(NO_TESTS_FAIL)

test-integration: venv infra ## the integration layer: tests/integration and tests/operations
	$(PYTEST_LAYER) integration; $(NO_TESTS_FAIL)

# The portal's browser tests (Playwright, Debian's chromium); none collected is not a failure.
test-browser: venv infra portal-deps ## the browser layer: the portal's journeys in Debian's chromium
	$(PYTEST_LAYER) browser; status=$$?; \
	if [ $$status -eq 5 ]; then echo "no browser tests yet"; exit 0; fi; exit $$status

# Partitions and SIGTERM under load through the fault proxy (tests/faults, docs/operations.md);
# FAULTS_CUT_S=30 FAULTS_LOSSY_S=60 for the issue's durations (CI runs the short defaults).
test-faults: venv infra ## fault scenarios: cuts, delays, drops, SIGTERM under load (minutes)
	$(PYTEST_LAYER) faults tests/faults; $(NO_TESTS_FAIL)

lint: venv ## ruff (lint and format) and mypy, per package
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy shared
	$(VENV)/bin/mypy audit bench
	$(VENV)/bin/mypy connexion_client
	$(VENV)/bin/mypy gateway
	$(VENV)/bin/mypy console
	$(VENV)/bin/mypy tools
	@for service in $(SERVICES); do $(VENV)/bin/mypy services/$$service || exit 1; done

format: venv ## reformat the code and apply ruff's safe fixes
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: venv infra ## benchmarks against baselines measured in the same run
	$(PY) -m bench.run --mode full

bench-quick: venv infra ## the benchmarks in under two minutes
	$(PY) -m bench.run --mode quick

# The bench's peer (Django + django-axes) is pinned apart, installed by the bench into var/.
bench-peer-lock: venv ## re-pin bench/peer/requirements.txt (the bench's peer site), with hashes
	$(PIP_COMPILE) --output-file bench/peer/requirements.txt bench/peer/requirements.in

# Development only: the agency's back office files real households.
oidc-demo: portal-deps ## Caf connect's demonstration client (openid-client) on http://127.0.0.1:8090, beside make run
	node tests/oidc_rp/rp.mjs $${GATEWAY_PUBLIC_URL:-http://localhost:8080} appli-demo 8090

demo-household: venv ## file a demo household for `make run`: ARGS='--allocataire NIR Prénom NOM --conjoint NIR Prénom NOM'
	AGENT_TOKEN_ISSUER="$${AGENT_TOKEN_ISSUER:-http://localhost:8093}" $(PY) -m gateway.dev.demo_household $(ARGS)

openapi: venv ## regenerate the HTTP API's OpenAPI document (a test compares it with docs/openapi.json)
	$(PY) -m gateway.api.openapi docs/openapi.json

alerts: venv ## write each overlay's alert rules from deploy/k8s/components/monitoring/alerts.template.yaml
	$(PY) -m shared.monitoring.alert_rules

restore-components: venv ## write deploy/k8s/restore/ (each store's restore components) from the prod overlay and Jobs
	$(PY) scripts/restore_components.py

k8s-check: venv ## render deploy/k8s overlays, validate every kind offline, check the Dockerfile
	bash scripts/promtool.sh >/dev/null
	$(PY) -m pytest -q -p no:cacheprovider tests/operations/test_k8s_*.py \
		tests/operations/test_alert_rules_behaviour.py \
		tests/operations/test_container_image.py

dead-letters: venv ## list the dead-lettered events of every service ("none" when there are none)
	@PYTHONWARNINGS=ignore::DeprecationWarning $(PY) -m shared.runtime.dead_letters list

audit: venv ## audit and privacy tool over the stores: make audit ARGS="replay-check" (docs/audit.md)
	$(PY) -m audit $(ARGS)

# An unreachable vulnerability service fails it; SUPPLY_CHAIN_OFFLINE=1 skips knowingly (loudly).
supply-chain: venv ## known vulnerabilities of the pinned packages (pip-audit, npm audit)
	@bash scripts/supply-chain-audit.sh

# The image with podman: IMAGE=tag, IMAGE_BASES=pull|standin|auto (docs/operations.md).
image-build: ## build the Dockerfile with podman (registry bases or local stand-ins)
	@bash scripts/image-build.sh

image-check: venv infra ## build the image and run it as the cluster does (tests/image/)
	@bash scripts/image-check.sh

sbom: venv ## CycloneDX bill of materials read from the built image, into var/sbom/image.cdx.json
	@bash scripts/sbom.sh

clean: ## remove local state and caches (var/, tool caches)
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
