"""The channels move down to ``sales`` (issue 13): first their table takes its new name.

After ``kpis.0015`` (which rebuilds, on SQLite, tables pointing at the channels), before
``sales.0001_initial`` (which holds the model from then on) and ``0005`` (which points the
campaigns and cost profiles at it and drops it from this app's state)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0003_product_prices_and_promotion_settings'),
        ('kpis', '0015_sales_models_leave_kpis'),
    ]

    operations = [
        migrations.AlterModelTable(name='channel', table='sales_channel'),
    ]
