# aps-bot: one image for Telegram and Discord (whichever token is set).
#   docker build -t aps-bot .
#   docker run -d -e TELEGRAM_BOT_TOKEN=... -v aps-bot-data:/data aps-bot
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    APS_BOT_DATABASE=/data/aps-bot.sqlite3 \
    APS_BOT_HEARTBEAT=/tmp/aps-bot.heartbeat

WORKDIR /app

# Dependencies first, so editing knowledge or code does not reinstall them.
COPY pyproject.toml README.md ./
COPY bot/__init__.py bot/
RUN pip install .  && pip uninstall -y aps-bot

COPY bot ./bot
COPY knowledge ./knowledge
COPY locales ./locales
COPY babel.cfg ./
# Editable, so the package finds knowledge/ and locales/ beside it in /app (the repository layout).
# Catalogs are compiled at build time: nothing to prepare when the container starts.
RUN pip install --no-deps -e . \
 && pybabel compile -d locales -D messages --statistics \
 && aps-bot check \
 && useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin apsbot \
 && mkdir -p /data && chown apsbot /data

USER apsbot
VOLUME ["/data"]

# Tokens: TELEGRAM_BOT_TOKEN / DISCORD_BOT_TOKEN, or *_FILE pointing at a Docker secret
# (e.g. TELEGRAM_BOT_TOKEN_FILE=/run/secrets/telegram_token).
HEALTHCHECK --interval=60s --timeout=10s --start-period=30s --retries=3 CMD ["aps-bot", "health"]

CMD ["aps-bot"]
