"""The interactive documentation at /api/v1/docs: Swagger UI from static/vendor/swagger-ui
(npm `swagger-ui-dist`, copied by `make vendor`), never from a CDN, started by a script
file of ours (static/api/docs.js): the site's CSP forbids inline scripts."""

from django.shortcuts import render
from ninja.openapi.docs import DocsBase


class VendoredSwagger(DocsBase):
    settings = {"layout": "BaseLayout", "deepLinking": True}

    def render_page(self, request, api, **kwargs):
        config = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(request, "api/docs.html", {"api": api, "config": config})
