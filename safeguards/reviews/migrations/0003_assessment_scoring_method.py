"""Record each assessment's scoring method: existing ones keep method 1 (their frozen reports
were made with it), new ones get method 2 (DESIGN.md section 3)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0002_status_constraints"),
    ]

    operations = [
        migrations.AddField(
            model_name="assessment",
            name="scoring_method",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AlterField(
            model_name="assessment",
            name="scoring_method",
            field=models.PositiveSmallIntegerField(default=2),
        ),
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.CheckConstraint(
                condition=models.Q(("scoring_method__in", (1, 2))),
                name="assessment_scoring_method_valid",
            ),
        ),
    ]
