"""The `/api/v1/` URLs of the django-ninja instance, for the root URLconf's `include()`
(the root names the apps by dotted path and imports none of them)."""

from .api import api

# The namespace ("api-v1", the instance's urls_namespace) is given by the include().
urlpatterns, app_name, _namespace = api.urls
