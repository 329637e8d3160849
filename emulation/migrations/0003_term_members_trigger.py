"""A term's head and vice-head must be members of the cluster in the term's year.

The rule spans two tables, so no CHECK constraint can hold it: a trigger does, on SQLite
and on PostgreSQL, so that no path (admin, shell, raw SQL) can store a broken term.
"""

from django.db import migrations

MESSAGE = "term_members: head and vice-head must be members of the cluster that year"

IS_MEMBER = """EXISTS (SELECT 1 FROM provinces_clustermembership m
    WHERE m.cluster_id = NEW.cluster_id AND m.province_id = NEW.{field}
      AND m.from_year <= NEW.year AND (m.to_year IS NULL OR m.to_year >= NEW.year))"""
BROKEN = f"NOT {IS_MEMBER.format(field='head_id')} OR (NEW.vice_id IS NOT NULL AND NOT {IS_MEMBER.format(field='vice_id')})"

SQLITE_CREATE = [
    f"""CREATE TRIGGER emulation_term_members_{event.lower()}
        BEFORE {event} ON emulation_clusterterm FOR EACH ROW WHEN {BROKEN}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
    for event in ("INSERT", "UPDATE")
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS emulation_term_members_{e}" for e in ("insert", "update")]

POSTGRES_CREATE = [
    f"""CREATE FUNCTION emulation_term_members_check() RETURNS trigger AS $$
    BEGIN
        IF {BROKEN} THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER emulation_term_members BEFORE INSERT OR UPDATE ON emulation_clusterterm
        FOR EACH ROW EXECUTE FUNCTION emulation_term_members_check()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS emulation_term_members ON emulation_clusterterm",
    "DROP FUNCTION IF EXISTS emulation_term_members_check()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise NotImplementedError(f"no term trigger for {schema_editor.connection.vendor}")
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("emulation", "0002_reference_terms")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
