from django.db import migrations

from provinces.organisation.reference import load_terms


def load(apps, schema_editor):
    load_terms(
        apps.get_model("emulation", "ClusterTerm"),
        apps.get_model("provinces", "Cluster"),
        apps.get_model("provinces", "Province"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("emulation", "0001_initial"),
        ("provinces", "0002_reference_data"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
