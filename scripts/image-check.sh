#!/usr/bin/env bash
# make image-check (run by .ci/run): builds the Dockerfile with podman (scripts/image-build.sh:
# IMAGE, IMAGE_BASES=pull|standin|auto) and runs the result as the cluster runs it
# (tests/image/: every entry point of deploy/k8s read-only, uid 10001, --network none and tmpfs
# volumes; the services against the local RabbitMQ in a vhost of their own): migrations, audit
# replay-check and retention, the gateway's /health/live, a stop within 5 s of SIGTERM for
# each, and nothing but the runtime in the image. Needs the local broker (make infra).
set -euo pipefail
cd "$(dirname "$0")/.."
export IMAGE=${IMAGE:-localhost/connexion-a-la-personne:check}
bash scripts/image-build.sh
printf '\n== the image as the cluster runs it (tests/image)\n'
status=0
IMAGE_UNDER_TEST=$IMAGE .venv/bin/python -m pytest tests/image -q -p no:cacheprovider || status=$?
if [ $status -eq 5 ]; then echo "no image test was collected: failing" >&2; exit 1; fi
echo "image-check: ${SECONDS}s in all"
exit $status
