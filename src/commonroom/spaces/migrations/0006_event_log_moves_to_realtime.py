# The event log now belongs to realtime (realtime/0001): its models leave
# this app's state while the tables and rows stay where they are.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("spaces", "0005_thread_client_id"),
        ("realtime", "0001_event_log_from_spaces"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Event"),
                migrations.DeleteModel(name="Stream"),
            ],
            database_operations=[],
        ),
    ]
