"""Campaigns and cost profiles point at ``sales.Channel``, the same table (state only)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0004_channel_table_for_sales'),
        ('sales', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='campaign',
                    name='channel',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='campaigns', to='sales.channel', verbose_name='channel'),
                ),
                migrations.AlterField(
                    model_name='costprofile',
                    name='channel',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='cost_profile', to='sales.channel'),
                ),
                migrations.DeleteModel(name='channel'),
            ],
        ),
    ]
