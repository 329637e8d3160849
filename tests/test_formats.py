import datetime
import re
from decimal import Decimal
from pathlib import Path

from django import forms
from django.template import Context, Template
from django.utils import formats, translation

from cluster_portal.templatetags.vn_format import nd30_date

ROOT = Path(__file__).resolve().parents[1]


def test_vietnamese_numbers_group_thousands_with_dots_and_use_a_decimal_comma():
    with translation.override("vi"):
        assert formats.number_format(11084) == "11.084"
        assert formats.number_format(215203) == "215.203"
        assert formats.number_format(236.8, 1) == "236,8"
        assert formats.number_format(Decimal("62375.5"), 1) == "62.375,5"


def test_templates_render_numbers_the_vietnamese_way():
    with translation.override("vi"):
        rendered = Template("{{ n }} {{ x|floatformat:1 }}").render(
            Context({"n": 11084, "x": 236.8})
        )
    assert rendered == "11.084 236,8"


def test_english_keeps_its_own_separators():
    with translation.override("en"):
        assert formats.number_format(11084) == "11,084"
        assert formats.number_format(236.8, 1) == "236.8"


def test_dates_are_entered_day_first():
    field = forms.DateField(localize=True)
    with translation.override("vi"):
        assert field.clean("05/06/2025") == datetime.date(2025, 6, 5)
        assert formats.date_format(datetime.date(2025, 6, 5), "SHORT_DATE_FORMAT") == "05/06/2025"


def test_a_month_first_date_is_refused():
    field = forms.DateField(localize=True)
    with translation.override("vi"):
        try:
            field.clean("06/25/2025")
        except forms.ValidationError:
            return
    raise AssertionError("06/25/2025 should not parse as a day-first date")


def test_nd30_running_text_date_pads_days_below_10_and_months_1_and_2():
    assert nd30_date(datetime.date(2025, 2, 5)) == "ngày 05 tháng 02 năm 2025"
    assert nd30_date(datetime.date(2023, 11, 30)) == "ngày 30 tháng 11 năm 2023"
    assert nd30_date(datetime.date(2024, 3, 9)) == "ngày 09 tháng 3 năm 2024"
    assert nd30_date(datetime.date(2024, 1, 10)) == "ngày 10 tháng 01 năm 2024"


def test_nd30_filter_in_templates():
    template = Template("{% load vn_format %}Phú Thọ, {{ d|nd30_date }}")
    rendered = template.render(Context({"d": datetime.date(2023, 11, 30)}))
    assert rendered == "Phú Thọ, ngày 30 tháng 11 năm 2023"


def test_year_filter_never_groups_digits():
    with translation.override("vi"):
        rendered = Template("{% load vn_format %}{{ y|year }}").render(Context({"y": 2023}))
    assert rendered == "2023"


def test_templates_send_keys_and_versions_back_without_grouping():
    # USE_THOUSAND_SEPARATOR renders a bare {{ x.pk }} as "1.234": a form then refuses it
    # (the rotate form did, once PostgreSQL's keys passed 999) and an anchor misses its row.
    bare = re.compile(r"{{\s*([\w.]+\.(?:pk|id|version))\s*}}")
    found = [
        f"{path.relative_to(ROOT)}: {expr}"
        for path in sorted(ROOT.glob("**/templates/**/*.html"))
        if ".venv" not in path.parts and "node_modules" not in path.parts
        for expr in bare.findall(path.read_text(encoding="utf-8"))
        if "form." not in expr  # a bound field renders its widget, never grouped
    ]
    assert not found, "use |unlocalize ({% load l10n %}): " + "; ".join(found)
