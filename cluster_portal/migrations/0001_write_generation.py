"""The write generation's row (cluster_portal/write_generation.py): a plain table, no
model, read and written by its own two statements."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies: list = []

    operations = [
        migrations.RunSQL(
            "CREATE TABLE portal_write_generation (id integer NOT NULL PRIMARY KEY,"
            " changed bigint NOT NULL, unrecorded bigint NOT NULL)",
            "DROP TABLE portal_write_generation",
        )
    ]
