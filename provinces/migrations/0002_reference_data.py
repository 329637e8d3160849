from django.db import migrations

from provinces.organisation.reference import load_clusters, load_provinces


def load(apps, schema_editor):
    Province = apps.get_model("provinces", "Province")
    load_provinces(Province)
    load_clusters(
        apps.get_model("provinces", "Cluster"),
        apps.get_model("provinces", "ClusterMembership"),
        Province,
    )


class Migration(migrations.Migration):
    dependencies = [("provinces", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
