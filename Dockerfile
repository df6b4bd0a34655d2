# One image for the four services and the portal; the service is chosen by the command's argument
# (the portal: command python -m gateway):
#   docker run IMAGE identity          (python -m shared.runtime.runner identity)
#   docker run IMAGE --migrate-only identity
# Runs as an unprivileged user on a read-only root filesystem: DATA_DIR (/var/lib/caf), the
# letter spool (/var/spool/caf) and /tmp are volumes mounted by the deployment.
# The base is pinned to an exact patch version; pin its digest as well in the registry you use.

FROM python:3.11.13-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install --no-compile -r /tmp/requirements.txt
# The portal's CSS base, exactly as gateway/package-lock.json pins it (never in the repository).
RUN apt-get update && apt-get install -y --no-install-recommends npm && rm -rf /var/lib/apt/lists/*
COPY gateway/package.json gateway/package-lock.json /assets/
RUN npm ci --prefix /assets --no-audit --no-fund

FROM python:3.11.13-slim-bookworm
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app:/app/services/identity:/app/services/lockout:/app/services/notification:/app/services/delegation \
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
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY shared/ shared/
COPY services/ services/
COPY connexion_client/ connexion_client/
COPY gateway/ gateway/
COPY --from=build /assets/node_modules gateway/node_modules
RUN python -m lockout.captcha_voices /opt/captcha-voices
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["python", "-m", "shared.runtime.runner"]
CMD ["identity"]
