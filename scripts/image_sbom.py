"""The built image's bill of materials, CycloneDX JSON (make sbom; scripts/sbom.sh).

Read from the image itself, not from the lock files: a throw-away container of the image (no
network) prints what it holds, and this writes it down:
- its Debian packages, from dpkg's status file (/var/lib/dpkg/status): ``pkg:deb/debian/...``;
- its Python distributions, from the site-packages metadata of the application's environment
  (/opt/venv) and of the base's interpreter: ``pkg:pypi/...``;
- the npm packages built into the portal (every node_modules/*/package.json under /app):
  ``pkg:npm/...``.
The image itself is the BOM's subject (its name and its image id).

    python scripts/image_sbom.py IMAGE var/sbom/image.cdx.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cyclonedx.model import Property
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.license import DisjunctiveLicense, LicenseExpression
from cyclonedx.output.json import JsonV1Dot6
from packageurl import PackageURL

#: Run by the image's own interpreters: one JSON line per distribution they see.
PYTHON_INVENTORY = """
import importlib.metadata as m, json
for d in m.distributions():
    meta = d.metadata
    print(json.dumps({"name": meta["Name"], "version": d.version,
                      "license": meta.get("License-Expression") or meta.get("License") or "",
                      "path": str(getattr(d, "_path", ""))}))
"""

#: Shell run in the image (as root, no network): the sections this script reads.
INVENTORY = f"""
set -e
echo '### os-release'; cat /etc/os-release
echo '### dpkg'; cat /var/lib/dpkg/status
echo '### python'
/opt/venv/bin/python -I -c '{PYTHON_INVENTORY}'
for base in /usr/local/bin/python3 /usr/bin/python3; do
    [ -x "$base" ] && "$base" -I -c '{PYTHON_INVENTORY}' && break
done
echo '### npm'
find /app -path '*/node_modules/*/package.json' -not -path '*/node_modules/*/node_modules/*' \\
    | while read -r manifest; do tr -d '\\n' < "$manifest"; echo; done
"""


def inventory(image: str) -> dict[str, str]:
    done = subprocess.run(
        ["podman", "run", "--rm", "--network", "none", "--user", "0", "--entrypoint", "sh",
         image, "-c", INVENTORY],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        sys.exit(f"cannot read {image}: {done.stderr.strip()}")
    sections: dict[str, str] = {}
    for chunk in done.stdout.split("### ")[1:]:
        title, _, body = chunk.partition("\n")
        sections[title.strip()] = body
    return sections


def dpkg_packages(status: str) -> Iterator[dict[str, str]]:
    """Installed packages of a dpkg status file (stanzas of ``Field: value`` lines)."""
    for stanza in status.split("\n\n"):
        fields: dict[str, str] = {}
        for line in stanza.splitlines():
            if line and not line[0].isspace() and ":" in line:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
        if fields.get("Package") and fields.get("Status", "").endswith(" installed"):
            yield fields


def license_of(text: str) -> list[Any]:
    text = text.strip()
    if not text or len(text) > 100 or "\n" in text:  # a whole licence text: not a name
        return []
    if any(word in text for word in (" OR ", " AND ", " WITH ")):
        return [LicenseExpression(text)]
    return [DisjunctiveLicense(name=text)]


def components(sections: dict[str, str]) -> list[Component]:
    os_release = dict(
        line.split("=", 1) for line in sections.get("os-release", "").splitlines() if "=" in line
    )
    distro = f"debian-{os_release.get('VERSION_ID', '').strip(chr(34))}"
    found: dict[str, Component] = {}

    def add(component: Component) -> None:
        found.setdefault(str(component.purl), component)

    for package in dpkg_packages(sections.get("dpkg", "")):
        name, version = package["Package"], package["Version"]
        qualifiers = {"arch": package.get("Architecture", ""), "distro": distro}
        if "Source" in package:
            qualifiers["upstream"] = package["Source"].split()[0]
        purl = PackageURL("deb", "debian", name, version, qualifiers)
        add(
            Component(
                name=name,
                version=version,
                type=ComponentType.LIBRARY,
                purl=purl,
                bom_ref=str(purl),
                properties=[Property(name="source", value="dpkg")],
            )
        )
    for line in sections.get("python", "").splitlines():
        each = json.loads(line)
        purl = PackageURL("pypi", None, each["name"].lower(), each["version"])
        add(
            Component(
                name=each["name"],
                version=each["version"],
                type=ComponentType.LIBRARY,
                purl=purl,
                bom_ref=str(purl),
                licenses=license_of(each["license"]),
                properties=[Property(name="location", value=each["path"])],
            )
        )
    for line in sections.get("npm", "").splitlines():
        manifest = json.loads(line)
        scope, _, name = manifest["name"].rpartition("/")
        purl = PackageURL("npm", scope or None, name, manifest["version"])
        license_field = manifest.get("license")
        add(
            Component(
                name=manifest["name"],
                version=manifest["version"],
                type=ComponentType.LIBRARY,
                purl=purl,
                bom_ref=str(purl),
                licenses=license_of(license_field if isinstance(license_field, str) else ""),
            )
        )
    return list(found.values())


def image_id(image: str) -> str:
    done = subprocess.run(
        ["podman", "image", "inspect", "--format", "{{.Id}}", image],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.strip()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("image")
    parser.add_argument("output", type=Path)
    args = parser.parse_args(argv)
    bom = Bom()
    subject = Component(
        name=args.image,
        version=f"sha256:{image_id(args.image)}",
        type=ComponentType.CONTAINER,
        bom_ref=args.image,
    )
    bom.metadata.component = subject
    found = components(inventory(args.image))
    for component in found:
        bom.components.add(component)
    bom.register_dependency(subject, found)  # the image holds them all (no finer graph here)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(JsonV1Dot6(bom).output_as_string(indent=2) + "\n")
    kinds: dict[str, int] = {}
    for component in found:
        kind = component.purl.type if component.purl else "?"
        kinds[kind] = kinds.get(kind, 0) + 1
    counts = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
    print(f"wrote {args.output}: {args.image}, {counts}")


if __name__ == "__main__":
    main()
