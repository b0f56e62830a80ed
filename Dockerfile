# One image for web, worker and beat; the command differs (see docker-compose.yml).
# Runs as the unprivileged user "portal"; the migrations run once, as their own service.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# gettext compiles the .po files; pango is what WeasyPrint draws PDF reports with; gnupg
# encrypts backups and postgresql-client makes them (manage.py backup / restore).
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 \
      gnupg postgresql-client \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 portal \
 && useradd --system --uid 10001 --gid portal --home-dir /app --shell /usr/sbin/nologin portal
WORKDIR /app
COPY pyproject.toml README.md ./
COPY requirements ./requirements
RUN pip install -c requirements/constraints.txt .
COPY . .
# Build steps need no secrets: nothing here serves (the secrets arrive with the environment).
RUN python manage.py compilemessages --ignore=.venv -v 0 \
 && STATIC_MANIFEST=true python manage.py collectstatic --noinput -v 0 \
 && mkdir -p /app/var/media \
 && chown -R portal:portal /app/var
# Caches (fontconfig for the PDF reports) go where the unprivileged user may write.
ENV DEBUG=false STATIC_MANIFEST=true XDG_CACHE_HOME=/tmp/cache
USER portal
EXPOSE 8000
# gunicorn.conf.py (in /app) binds 0.0.0.0:$PORT (8000) with $WEB_CONCURRENCY workers.
CMD ["gunicorn", "thainguyen_portal.wsgi"]
