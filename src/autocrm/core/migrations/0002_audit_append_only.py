"""Make the audit log append-only in the database itself, not only in the model."""

from django.db import migrations

MESSAGE = "audit entries are append-only"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        # DELETE stays possible on SQLite only because the test runner empties tables with it.
        schema_editor.execute(
            "CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")
    elif vendor == "postgresql":
        schema_editor.execute(
            "CREATE FUNCTION core_auditentry_append_only() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$ LANGUAGE plpgsql")
        schema_editor.execute(
            "CREATE TRIGGER core_auditentry_append_only BEFORE UPDATE OR DELETE "
            "ON core_auditentry FOR EACH ROW EXECUTE FUNCTION core_auditentry_append_only()")


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS core_auditentry_no_update")
    elif vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry")
        schema_editor.execute("DROP FUNCTION IF EXISTS core_auditentry_append_only()")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
