"""What the shop sold moves down to the ``sales`` app (issue 13), without copying a row.

Here, on the database: the three links to a campaign lose their foreign-key constraint (sales
sits below campaigns and names a campaign by its id: ``campaigns`` clears a deleted campaign's
rows), the indexes take names of their own, and the tables are renamed ``kpis_*`` →
``sales_*``. In the migration state the models leave kpis; ``sales.0001_initial`` creates them
there, state only. ``campaigns.0004``/``0005`` do the same for the channels.
"""

import django.db.models.deletion
from django.db import migrations, models

MOVED = ["importedline", "importedorder", "discountcode", "dailyactual", "importbatch"]
INDEXES = [
    ("dailyactual", "kpis_dailya_organiz_c0ee6a_idx", "sales_actual_org_date"),
    ("importbatch", "kpis_import_status_d2b89d_idx", "sales_batch_status_created"),
    ("importedorder", "kpis_import_organiz_88d78e_idx", "sales_order_org_ordered_at"),
    ("importedorder", "kpis_import_organiz_62aff1_idx", "sales_order_org_customer"),
    ("importedline", "kpis_import_organiz_55906d_idx", "sales_line_org_order"),
    ("importedline", "kpis_import_organiz_5fa102_idx", "sales_line_org_date"),
]


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0003_product_prices_and_promotion_settings'),
        ('kpis', '0014_peak_outlook'),
    ]

    operations = [
        migrations.AlterField(
            model_name='dailyactual',
            name='campaign',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='actuals', to='campaigns.campaign'),
        ),
        migrations.AlterField(
            model_name='discountcode',
            name='campaign',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='discount_codes', to='campaigns.campaign'),
        ),
        migrations.AlterField(
            model_name='importedorder',
            name='campaign',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='imported_orders', to='campaigns.campaign'),
        ),
        *[migrations.RenameIndex(model_name=model, old_name=old, new_name=new) for model, old, new in INDEXES],
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AlterModelTable(name=name, table=f"sales_{name}") for name in MOVED],
            state_operations=[migrations.DeleteModel(name=name) for name in MOVED],
        ),
    ]
