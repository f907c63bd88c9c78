# Gatehouse: one image for every host; all configuration comes from the environment
# (see .env.example and docs/deployment.md). Migrations are not run on start: run
# `python manage.py migrate` once per release, as the compose file's `migrate` does.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# xmlsec1 signs and verifies SAML messages; nothing else is needed at run time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends xmlsec1 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .
# The admin's and the API docs' static files are collected once, at build time, and
# served by WhiteNoise. DEBUG=1 only lets this step run without a SECRET_KEY.
RUN DEBUG=1 python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin gatehouse \
    && mkdir -p var \
    && chown gatehouse var

USER gatehouse
ENV BIND=0.0.0.0:8000
EXPOSE 8000
CMD ["gunicorn", "-c", "gunicorn.conf.py", "authy.wsgi"]
