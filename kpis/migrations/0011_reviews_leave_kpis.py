"""The weekly reviews moved to the ``reviews`` app: kpis forgets the two models, their tables
stay (``reviews`` 0001 takes them over under the same names)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("kpis", "0010_imported_order_without_new_customer_flag"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ReviewDecision"),
                migrations.DeleteModel(name="WeeklyReview"),
            ],
            database_operations=[],
        ),
    ]
