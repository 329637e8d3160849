from django.http import HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """For the load balancer, and the baseline of the load test: the smallest Django view
    on the full middleware stack, touching no table."""
    return HttpResponse("ok", content_type="text/plain")
