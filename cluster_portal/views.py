import sys

from django.http import HttpResponse
from django.views import defaults
from django.views.decorators.cache import never_cache

from .hardening import DATABASE_UNAVAILABLE, database_unavailable_response


@never_cache
def healthz(request):
    """For the load balancer, and the baseline of the load test: the smallest Django view
    on the full middleware stack, touching no table."""
    return HttpResponse("ok", content_type="text/plain")


def server_error(request):
    """handler500: a database out of reach outside any view (a middleware's query, the
    session saved after the response) is 503 with Retry-After, as in a view
    (hardening.DatabaseUnavailableMiddleware); anything else is Django's 500."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return database_unavailable_response()  # Django logs it, with the traceback
    return defaults.server_error(request)
