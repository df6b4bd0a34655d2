# One image for the services, the web gateway and the audit tool; the service is chosen by the
# command's argument:
#   docker run IMAGE identity                   (python -m shared.runtime.runner identity)
#   docker run IMAGE --migrate-only identity
#   docker run --entrypoint python IMAGE -m audit replay-check       (deploy/k8s/jobs/)
#   docker run --entrypoint python IMAGE -m gateway                  (the portal)
#   docker run --entrypoint python IMAGE -m console                  (the agents' console)
# Runs as an unprivileged user on a read-only root filesystem: DATA_DIR (/var/lib/caf), the
# letter spool (/var/spool/caf) and /tmp are volumes mounted by the deployment. No PYTHONPATH:
# the runner and the audit tool find the services through shared/service_registry.py.
# Only the runtime packages (requirements.txt, pinned with hashes, installed with
# --require-hashes); tests, tooling and front-end sources stay out (.dockerignore, stage "app").
# The bases are pinned to exact versions; pin their digests as well in the registry you use.
# Built and checked by `make image-check` (scripts/image-build.sh, scripts/image-check.sh: podman,
# the registry's bases or local stand-ins under the same names); docs/operations.md.

FROM python:3.11.13-slim-bookworm AS packages
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install --no-compile --require-hashes -r /tmp/requirements.txt \
    && /opt/venv/bin/python -m pip uninstall --yes --quiet pip

# The audio captcha's French voices (lockout.captcha_voices), made with espeak-ng in a stage of
# their own: espeak-ng is a build tool and stays out of the final image, which gets the files.
FROM python:3.11.13-slim-bookworm AS voices
RUN apt-get update \
    && apt-get install -y --no-install-recommends espeak-ng \
    && rm -rf /var/lib/apt/lists/*
COPY services/lockout/lockout /build/lockout
RUN PYTHONPATH=/build python -m lockout.captcha_voices /opt/captcha-voices

# The application tree: what .dockerignore lets in, gateway/ included when it exists.
FROM python:3.11.13-slim-bookworm AS app
COPY . /src
RUN mkdir /app \
    && cp -r /src/shared /src/services /src/audit /src/connexion_client /app/ \
    && if [ -d /src/gateway ]; then cp -r /src/gateway /app/; fi \
    && if [ -d /src/console ]; then cp -r /src/console /app/; fi

# Front-end assets of the gateway: npm ci beside every package-lock.json under gateway/
# (the portal's CSS base: gateway/portal/package-lock.json).
FROM node:22.12.0-bookworm-slim AS assets
COPY --from=app /app /app
WORKDIR /app
RUN find gateway -name package-lock.json -not -path '*/node_modules/*' 2>/dev/null \
    | while read -r lock; do \
        (cd "$(dirname "$lock")" && npm ci --omit=dev --no-audit --no-fund \
            && npm run build --if-present) || exit 1; \
    done

FROM python:3.11.13-slim-bookworm
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATA_DIR=/var/lib/caf \
    HTTP_PORT=8080 \
    LOCKOUT_CAPTCHA_VOICE_DIR=/opt/captcha-voices
RUN groupadd --system --gid 10001 caf \
    && useradd --system --uid 10001 --gid caf --no-create-home --shell /usr/sbin/nologin caf \
    && mkdir -p /var/lib/caf /var/spool/caf \
    && chown caf:caf /var/lib/caf /var/spool/caf
COPY --from=packages /opt/venv /opt/venv
COPY --from=voices /opt/captcha-voices /opt/captcha-voices
WORKDIR /app
COPY --from=assets /app /app
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["python", "-m", "shared.runtime.runner"]
CMD ["identity"]
