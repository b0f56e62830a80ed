"""gunicorn's settings, read from the working directory: the image's web command and the
production-mode tests start gunicorn the same way (``gunicorn thainguyen_portal.wsgi``)."""

import os

bind = f"{os.environ.get('BIND_HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
# Two workers per core is gunicorn's usual start; WEB_CONCURRENCY overrides it per host.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# A slow report or export is streamed; anything longer than this is a bug to see.
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
# The reverse proxy (nginx, the province's gateway) sets X-Forwarded-*; trust it only.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No access log here: URLs are the proxy's to log (and the portal keeps personal data out of
# them); errors go to the container's output.
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
