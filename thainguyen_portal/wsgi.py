import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thainguyen_portal.settings")

from core.production import refuse_unsafe_production  # noqa: E402

refuse_unsafe_production()  # DEBUG=false with published secrets: stop here, saying why

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
