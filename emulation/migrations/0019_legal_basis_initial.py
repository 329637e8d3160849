from django.db import migrations

from emulation.reports.reference import load_legal_basis


def load(apps, schema_editor):
    load_legal_basis(apps.get_model("emulation", "LegalBasis"))


class Migration(migrations.Migration):
    dependencies = [("emulation", "0018_report_sections_and_legal_basis")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
