# aps-bot: one image for Telegram and Discord (whichever token is set), built from the wheel.
#   docker build -t aps-bot .
#   docker run -d -e TELEGRAM_BOT_TOKEN=... -v aps-bot-data:/data aps-bot
# CI has no Docker engine: it lints this file (hadolint) and replays the runtime stage in a fresh
# virtualenv, as user 10001, from outside the repository (scripts/check_package.sh).

# Build stage: the sdist, then the wheel from it, as `make package-check` builds them.
FROM python:3.11-slim AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

RUN pip install --no-cache-dir build==1.6.1

WORKDIR /src
COPY pyproject.toml setup.py MANIFEST.in README.md babel.cfg ./
COPY bot ./bot
COPY knowledge ./knowledge
COPY locales ./locales
RUN python -m build --outdir /dist .

# Runtime stage: the wheel and its dependencies, nothing else (no compiler, no source tree).
# The wheel carries the knowledge and the .po catalogs; the bot reads the .po directly.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    APS_BOT_DATABASE=/data/aps-bot.sqlite3 \
    APS_BOT_HEARTBEAT=/tmp/aps-bot.heartbeat

COPY --from=build /dist/*.whl /tmp/
RUN pip install --no-cache-dir /tmp/*.whl \
 && rm /tmp/*.whl \
 && aps-bot check \
 && groupadd --system --gid 10001 apsbot \
 && useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin apsbot \
 && mkdir -p /data && chown 10001:10001 /data

# numeric, so that a host or an orchestrator (runAsNonRoot) can tell it is not root
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]

# Tokens: TELEGRAM_BOT_TOKEN / DISCORD_BOT_TOKEN, or *_FILE pointing at a Docker secret
# (e.g. TELEGRAM_BOT_TOKEN_FILE=/run/secrets/telegram_token).
# Unhealthy when the heartbeat is over 2 minutes old, or updates have waited at Telegram for
# 3 minutes with none handled (a stall: the process alive, nobody answered).
HEALTHCHECK --interval=60s --timeout=10s --start-period=30s --retries=3 CMD ["aps-bot", "health"]

CMD ["aps-bot"]
