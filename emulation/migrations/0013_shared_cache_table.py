"""The database table of the shared cache (settings.CACHES): made by `createcachetable`,
run here so that every way a database is set up (make run, bin/serve, a restored backup,
the tests) has it. The API's per-token rate limit counts in it."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("emulation", "0012_achievement_reports")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
