# syntax=docker/dockerfile:1
# Production image of the portal. gunicorn serves the web app by default; the same image runs the migrations,
# the Celery worker and Celery beat (see docker-compose.yml). Configuration is read from environment variables
# at run time (see .env.example); nothing secret is baked in.
FROM python:3.11-slim-bookworm

# PYTHONPATH=/app: the project is imported from /app, not from the copy `pip install .` leaves in
# site-packages, because settings look for templates/, static/, locale/ and var/ next to the portal package.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PYTHONPATH=/app

# Pango for WeasyPrint (PDF reports), Liberation fonts for the Vietnamese glyphs embedded in them,
# gettext for compilemessages below.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        fonts-liberation2 \
        gettext \
    && rm -rf /var/lib/apt/lists/*

# A writable home for caches (fontconfig); the code in /app stays owned by root and read-only to the portal.
RUN groupadd --gid 1000 portal \
    && useradd --uid 1000 --gid portal --create-home --home-dir /home/portal --shell /usr/sbin/nologin portal

WORKDIR /app

# Dependencies first, from pyproject.toml alone (no packages are found yet, so this installs only what the
# project requires): a change to the code then reuses this layer instead of reinstalling everything.
COPY pyproject.toml README.md LICENSE ./
RUN pip install .

COPY . .
RUN pip install --no-deps --force-reinstall . && rm -rf build *.egg-info

# Settings need a SECRET_KEY with DEBUG off; these values exist only for these two commands (no ENV), so the
# image carries no secret. Collected static files go to /app/var/static, where whitenoise serves them from:
# leave PORTAL_VAR_DIR unset in the container.
RUN SECRET_KEY=build-only DEBUG=0 ALLOWED_HOSTS=build.invalid python manage.py compilemessages \
    && SECRET_KEY=build-only DEBUG=0 ALLOWED_HOSTS=build.invalid python manage.py collectstatic --noinput

# Uploaded files and generated reports (MEDIA_ROOT=/data/media) and Celery beat's schedule (/data/beat) live on
# volumes. A new named volume takes the owner of the directory it is mounted on, so the non-root user can write.
RUN mkdir -p /data/media /data/beat && chown -R portal:portal /data

USER portal
EXPOSE 8000

CMD ["gunicorn", "portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
