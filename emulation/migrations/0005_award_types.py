from django.db import migrations

from emulation.nominations.reference import load_award_types


def load(apps, schema_editor):
    load_award_types(apps.get_model("emulation", "AwardType"))


class Migration(migrations.Migration):
    dependencies = [("emulation", "0004_conference_and_awards")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
