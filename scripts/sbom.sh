#!/usr/bin/env bash
# The image's bill of materials (make sbom), CycloneDX JSON in var/sbom/:
#   python.cdx.json  every Python package the image installs (requirements.txt: pinned, hashed);
#   <dir>.npm.cdx.json  the npm packages of each front end built into the image (package-lock.json).
# The base image's own packages (Debian, CPython) are described by its publisher's SBOM.
# Offline: read from the lock files, nothing is downloaded.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var/sbom
.venv/bin/cyclonedx-py requirements --pyproject pyproject.toml --output-reproducible \
    --output-file var/sbom/python.cdx.json requirements.txt
echo "wrote var/sbom/python.cdx.json"
while read -r lock; do
    folder=$(dirname "$lock")
    out="var/sbom/$(basename "$folder").npm.cdx.json"
    (cd "$folder" && npm sbom --sbom-format cyclonedx --package-lock-only --omit dev) > "$out"
    echo "wrote $out"
done < <(find . -name package-lock.json -not -path '*/node_modules/*' -not -path './.venv/*' | sort)
