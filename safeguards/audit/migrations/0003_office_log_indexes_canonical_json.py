import safeguards.audit.chain
from django.db import migrations, models


# The JSON encoder only changes how new values are written, not the column. Altering the field
# for real would make SQLite rebuild the table, which silently drops its append-only triggers.
canonical_json_fields = [
    migrations.AlterField(
        model_name="event",
        name=name,
        field=models.JSONField(
            blank=True, encoder=safeguards.audit.chain.CanonicalEncoder, null=True
        ),
    )
    for name in ("after", "before")
]


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_append_only_triggers"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="chainhead",
            options={"verbose_name": "chain head"},
        ),
        migrations.SeparateDatabaseAndState(state_operations=canonical_json_fields),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                fields=["office", "actor_username", "seq"], name="audit_event_office_actor"
            ),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["office", "action", "seq"], name="audit_event_office_action"),
        ),
    ]
