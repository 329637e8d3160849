"""PDFs rendered with the production static storage (DEBUG off, hashed file names after
`collectstatic`) use the same stylesheets and fonts as in development: the report, the
scoring summary and a dossier document, compared by the fonts their pages use and their
text. Before the shared URL fetcher read the storage, `{% static %}`'s hashed names were
looked for in the source folders and the PDFs came out in WeasyPrint's default font."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from emulation.dossiers.documents import dossier_documents
from emulation.dossiers.render import render_document_html, render_pdfs
from emulation.dossiers.selectors import dossier_for
from emulation.reports.render import render_report_pdf
from emulation.reports.selectors import cluster_report
from emulation.scoring.render import render_summary_pdf
from provinces.models import Cluster
from tests.dossier_helpers import YEAR, patch_scoring, seed_demo_year
from tests.scoring_helpers import data_for

pytestmark = pytest.mark.django_db

MANIFEST = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"


def fonts_and_text(content: bytes) -> tuple[set[str], str]:
    fonts = set()
    reader = PdfReader(io.BytesIO(content))
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            # "/ABCDEF+Report-Serif-Bold": the subset prefix changes from one render to another
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return fonts, " ".join("\n".join(p.extract_text() for p in reader.pages).split())


def render_all() -> dict[str, bytes]:
    cluster = Cluster.objects.get(slug="tay-bac")
    with patch_scoring():
        document = dossier_documents(dossier_for(cluster, YEAR))[0]
    return {
        "report": render_report_pdf(cluster_report(cluster=cluster, year=YEAR)),
        "summary": render_summary_pdf(data_for()),
        "dossier": render_pdfs([render_document_html(document)])[0],
    }


@pytest.fixture
def production_static(settings, tmp_path):
    """What bin/serve runs with: DEBUG off, hashed names from the manifest storage,
    STATIC_ROOT filled by collectstatic (WhiteNoise's subclass only adds compression)."""
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}
    call_command("collectstatic", "--noinput", verbosity=0)


def test_pdfs_keep_their_fonts_and_text_with_the_production_static_storage(request, settings):
    seed_demo_year()
    development = render_all()
    for kind, content in development.items():
        fonts, _ = fonts_and_text(content)
        assert "Report-Serif" in fonts, (kind, fonts)  # the embedded Tinos

    request.getfixturevalue("production_static")
    from django.templatetags.static import static

    assert static("css/report.css") != "/static/css/report.css"  # hashed in production
    production = render_all()
    for kind in development:
        assert fonts_and_text(production[kind]) == fonts_and_text(development[kind]), kind


GUNICORN_MASTER = """
import runpy, sys, types
config = runpy.run_path("deploy/gunicorn.conf.py")
assert config["preload_app"] and "weasyprint" not in sys.modules
config["on_starting"](types.SimpleNamespace(cfg=types.SimpleNamespace(preload_app=False)))
print("weasyprint" in sys.modules, "weasyprint.text.fonts" in sys.modules)
"""


def test_the_gunicorn_master_imports_weasyprint_before_forking_workers():
    root = Path(__file__).resolve().parent.parent
    run = subprocess.run(
        [sys.executable, "-c", GUNICORN_MASTER],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["True", "True"]
