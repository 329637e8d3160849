# Placeholder until the figures import and export land (being written alongside).
from django.http import Http404


def figures_template(request, cluster, year):
    raise Http404


figures_export_view = figures_import_view = figures_template
