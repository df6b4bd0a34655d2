# One image for the services, the web gateway and the audit tool; the service is chosen by the
# command's argument:
#   docker run IMAGE identity                   (python -m shared.runtime.runner identity)
#   docker run IMAGE --migrate-only identity
#   docker run --entrypoint python IMAGE -m audit replay-check       (deploy/k8s/jobs/)
#   docker run --entrypoint python IMAGE -m gateway                  (the portal)
# Runs as an unprivileged user on a read-only root filesystem: DATA_DIR (/var/lib/caf), the
# letter spool (/var/spool/caf) and /tmp are volumes mounted by the deployment. No PYTHONPATH:
# the runner and the audit tool find the services through shared/service_registry.py.
# Only the runtime packages (requirements.txt, pinned with hashes, installed with
# --require-hashes); tests, tooling and front-end sources stay out (.dockerignore, stage "app").
# The bases are pinned to exact versions; pin their digests as well in the registry you use.

FROM python:3.11.13-slim-bookworm AS packages
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install --no-compile --require-hashes -r /tmp/requirements.txt

# The application tree: what .dockerignore lets in, gateway/ included when it exists.
FROM python:3.11.13-slim-bookworm AS app
COPY . /src
RUN mkdir /app \
    && cp -r /src/shared /src/services /src/audit /src/connexion_client /app/ \
    && if [ -d /src/gateway ]; then cp -r /src/gateway /app/; fi

# Front-end assets of the gateway, when it has a package.json and its lock (npm ci).
FROM node:22.12.0-bookworm-slim AS assets
COPY --from=app /app /app
WORKDIR /app
RUN if [ -f gateway/portal/package-lock.json ]; then \
        cd gateway/portal && npm ci --omit=dev --no-audit --no-fund && npm run build --if-present; \
    fi

FROM python:3.11.13-slim-bookworm
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATA_DIR=/var/lib/caf \
    HTTP_PORT=8080 \
    LOCKOUT_CAPTCHA_VOICE_DIR=/opt/captcha-voices
# espeak-ng makes the audio captcha's French digit voices at build time (lockout.captcha_voices).
RUN apt-get update \
    && apt-get install -y --no-install-recommends espeak-ng \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 caf \
    && useradd --system --uid 10001 --gid caf --no-create-home --shell /usr/sbin/nologin caf \
    && mkdir -p /var/lib/caf /var/spool/caf \
    && chown caf:caf /var/lib/caf /var/spool/caf
COPY --from=packages /opt/venv /opt/venv
WORKDIR /app
COPY --from=assets /app /app
RUN python -m lockout.captcha_voices /opt/captcha-voices
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["python", "-m", "shared.runtime.runner"]
CMD ["identity"]
