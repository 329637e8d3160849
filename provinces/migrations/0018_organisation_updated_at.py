# The organisation's rows (units, clusters, memberships, terms) get `updated_at`, which the
# API's lists filter with `updated_since` (issue 25). Existing rows: the date of their last
# history entry (every admin edit and import writes one), else the migration's time.

import django.utils.timezone
from django.db import migrations, models
from django.db.models import Exists, OuterRef, Subquery

MODELS = ("province", "cluster", "clustermembership", "clusterterm")

# SQLite adds these columns by rebuilding the tables: the term-membership triggers (on
# emulation_clusterterm, reading provinces_clustermembership) are dropped first and put
# back last, as in 0010 (copied: a migration is frozen history).
MESSAGE = "term_members: head and vice-head must be members of the cluster that year"
IS_MEMBER = """EXISTS (SELECT 1 FROM provinces_clustermembership m
    WHERE m.cluster_id = NEW.cluster_id AND m.province_id = NEW.{field}
      AND m.from_year <= NEW.year AND (m.to_year IS NULL OR m.to_year >= NEW.year))"""
BROKEN = (
    f"NOT {IS_MEMBER.format(field='head_id')} OR "
    f"(NEW.vice_id IS NOT NULL AND NOT {IS_MEMBER.format(field='vice_id')})"
)


def drop_sqlite_term_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for event in ("insert", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS emulation_term_members_{event}")


def restore_sqlite_term_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for event in ("INSERT", "UPDATE"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS emulation_term_members_{event.lower()}")
        schema_editor.execute(
            f"""CREATE TRIGGER emulation_term_members_{event.lower()}
            BEFORE {event} ON emulation_clusterterm FOR EACH ROW WHEN {BROKEN}
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
        )


def from_history(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("provinces", name)
        history = apps.get_model("provinces", f"historical{name}")
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
        ("provinces", "0017_disbursement_client_ref_updated_at"),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_term_triggers, restore_sqlite_term_triggers),
        *(operation for name in MODELS for operation in _fields(name)),
        migrations.RunPython(restore_sqlite_term_triggers, drop_sqlite_term_triggers),
        migrations.RunPython(from_history, migrations.RunPython.noop),
    ]
