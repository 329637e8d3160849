# Nominations and award-register rows get `updated_at`, which the API's lists filter with
# `updated_since` (issue 25). Existing rows: the date of their last history entry, else
# the migration's time.

import django.utils.timezone
from django.db import migrations, models
from django.db.models import Exists, OuterRef, Subquery

MODELS = ("nomination", "awardrecord")


def from_history(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("emulation", name)
        history = apps.get_model("emulation", f"historical{name}")
        last = history.objects.filter(id=OuterRef("pk")).order_by("-history_date")
        model.objects.filter(Exists(last)).update(
            updated_at=Subquery(last.values("history_date")[:1])
        )
        history.objects.update(updated_at=models.F("history_date"))


def _fields(name: str) -> list:
    return [
        migrations.AddField(
            model_name=name,
            name="updated_at",
            field=models.DateTimeField(auto_now=True, db_index=True, verbose_name="cập nhật lúc"),
        ),
        migrations.AddField(
            model_name=f"historical{name}",
            name="updated_at",
            field=models.DateTimeField(
                blank=True,
                db_index=True,
                default=django.utils.timezone.now,
                editable=False,
                verbose_name="cập nhật lúc",
            ),
            preserve_default=False,
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("emulation", "0025_legal_basis_alliance_lines"),
    ]

    operations = [
        *(operation for name in MODELS for operation in _fields(name)),
        migrations.RunPython(from_history, migrations.RunPython.noop),
    ]
