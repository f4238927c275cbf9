# The event log's models move from spaces to realtime in Django's state only:
# the tables keep their names and rows (see realtime/models.py).

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("spaces", "0004_space_default_names"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Stream",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(max_length=64, unique=True)),
                        ("last_position", models.PositiveBigIntegerField(default=0)),
                    ],
                    options={"db_table": "spaces_stream"},
                ),
                migrations.CreateModel(
                    name="Event",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("position", models.PositiveBigIntegerField()),
                        ("kind", models.CharField(max_length=32)),
                        ("payload", models.JSONField(default=dict)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("stream", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="events", to="realtime.stream")),
                    ],
                    options={
                        "db_table": "spaces_event",
                        "ordering": ["stream_id", "position"],
                        "constraints": [
                            models.UniqueConstraint(fields=("stream", "position"), name="event_position_unique"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
