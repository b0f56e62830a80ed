from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError, connections
from django.views.defaults import server_error as django_server_error

from .middleware import database_unavailable_response


def server_error(request, *args, **kwargs):
    """500 handler: when the error is the database being unreachable, say so with a 503 (the
    page needs no database) and drop the broken connections, so the next request reconnects
    and the portal recovers without a restart."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        for connection in connections.all():
            connection.close()
        return database_unavailable_response(request)
    return django_server_error(request, *args, **kwargs)
