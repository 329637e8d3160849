# Placeholder until the disbursement import lands (being written alongside).
from django.http import Http404


def disbursement_import_view(request):
    raise Http404
