"""The annual report and the scoring summary as documents a chair signs (issue 24): one
document font at NĐ 30's body size, the chair's sections, one scoring-summary rendering."""

import collections
import io

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from emulation.reports.render import render_report_pdf
from emulation.reports.selectors import cluster_report
from provinces.models import Cluster

pytestmark = pytest.mark.django_db


def embedded_fonts_and_sizes(pdf: bytes) -> tuple[set[str], collections.Counter]:
    """The family names inside the embedded font files, and the characters set at each
    (family, size in points) of the text."""
    reader = PdfReader(io.BytesIO(pdf))
    families, sizes = {}, collections.Counter()

    def family(font) -> str:
        name = str(font["/BaseFont"])
        if name not in families:
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            data = descriptor.get_object()["/FontFile2"].get_object().get_data()
            families[name] = TTFont(io.BytesIO(data))["name"].getDebugName(1)
        return families[name]

    def visit(text, cm, tm, font, size):
        if text.strip() and font:
            points = round(size * tm[3] * cm[3], 1)
            sizes[(family(font), abs(points))] += len(text.strip())

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    return set(families.values()), sizes


@pytest.fixture
def demo_2023(demo_data):
    return cluster_report(cluster=Cluster.objects.get(slug="tay-bac"), year=2023)


def test_the_report_pdf_is_set_in_tinos_at_fourteen_points(demo_2023):
    families, sizes = embedded_fonts_and_sizes(render_report_pdf(demo_2023))
    assert families == {"Tinos"}  # Times New Roman's metrics, the Word files' font
    (family, size), _ = sizes.most_common(1)[0]
    assert (family, size) == ("Tinos", 14.0)  # the body, NĐ 30: 13–14 pt
