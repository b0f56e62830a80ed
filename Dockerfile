# One image for web, worker and beat; the command differs (see docker-compose.yml).
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# gettext compiles the .po files; pango is what WeasyPrint draws PDF reports with.
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY requirements ./requirements
RUN pip install --no-cache-dir -c requirements/constraints.txt -e .
COPY . .
RUN python manage.py compilemessages --ignore=.venv -v 0 \
 && STATIC_MANIFEST=true python manage.py collectstatic --noinput -v 0
ENV STATIC_MANIFEST=true
EXPOSE 8000
CMD ["gunicorn", "thainguyen_portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
