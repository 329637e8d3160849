from django.db import migrations

AWARD_TYPES = [
    ("emulation-flag", "Cờ thi đua của Ban Chấp hành Liên minh HTX Việt Nam", 1),
    ("certificate-of-merit", "Bằng khen của Chủ tịch Liên minh HTX Việt Nam", 2),
]


def load(apps, schema_editor):
    AwardType = apps.get_model("emulation", "AwardType")
    for code, name, order in AWARD_TYPES:
        AwardType.objects.update_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("emulation", "0004_conference_and_awards")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
