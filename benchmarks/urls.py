"""The portal's URLs plus the baselines the benchmark compares against: a view that does
nothing, and a view that inserts one row (the least a recorded visit can cost)."""

from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from thainguyen_portal.urls import urlpatterns as portal


def noop(request):
    return HttpResponse("ok")


@csrf_exempt
def insert_one(request):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_ping (at) VALUES (now())")
    return HttpResponse("ok", status=201)


urlpatterns = [
    path("bench/noop/", noop),
    path("bench/insert/", insert_one),
    *portal,
]
