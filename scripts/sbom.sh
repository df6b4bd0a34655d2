#!/usr/bin/env bash
# The image's bill of materials (make sbom, run by .ci/run after make image-check): CycloneDX JSON
# in var/sbom/image.cdx.json, read from the built image itself (scripts/image_sbom.py): its
# Debian packages (dpkg's status file), its Python distributions (site-packages metadata of
# /opt/venv and of the base's interpreter) and the npm packages built into the portal. Not from
# the lock files: what the image holds, base image included.
# IMAGE names the image (default: the one make image-check builds); built first when missing
# (scripts/image-build.sh, same IMAGE_BASES).
set -euo pipefail
cd "$(dirname "$0")/.."
export IMAGE=${IMAGE:-localhost/connexion-a-la-personne:check}
if ! podman image exists "$IMAGE" 2>/dev/null; then
    bash scripts/image-build.sh
fi
.venv/bin/python scripts/image_sbom.py "$IMAGE" var/sbom/image.cdx.json
