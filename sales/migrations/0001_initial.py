"""What the shop sold, moved from kpis (and the channels from campaigns) without copying a row:
the tables were renamed ``sales_*`` by ``kpis.0015`` and ``campaigns.0004``; here the models
enter this app's state only (issue 13)."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.comparison
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('plannerist', '0003_invitation'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('kpis', '0015_sales_models_leave_kpis'),
        ('campaigns', '0004_channel_table_for_sales'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='Channel',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(max_length=80, verbose_name='name')),
                    ('kind', models.CharField(choices=[('web_shop', 'Own web shop'), ('marketplace', 'Marketplace'), ('shop_front', 'Shop front'), ('social', 'Social selling'), ('other', 'Other')], default='web_shop', max_length=16, verbose_name='kind')),
                    ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='channels', to='plannerist.organization')),
                ],
                options={
                    'ordering': ['name'],
                },
            ),
            migrations.CreateModel(
                name='DailyActual',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('date', models.DateField(verbose_name='date')),
                    ('campaign_id', models.BigIntegerField(blank=True, db_index=True, null=True, verbose_name='campaign')),
                    ('orders', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=12, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='orders')),
                    ('units', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=12, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='units')),
                    ('paid_incl_vat', models.DecimalField(decimal_places=6, default=Decimal('0'), max_digits=18, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='amount paid incl. VAT')),
                    ('discounts', models.DecimalField(decimal_places=6, default=Decimal('0'), max_digits=18, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='discounts')),
                    ('refunds', models.DecimalField(decimal_places=6, default=Decimal('0'), max_digits=18, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='refunds')),
                    ('returned_orders', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=12, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='returned orders')),
                    ('new_customers', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=12, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='new customers')),
                    ('returning_customers', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=12, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='returning customers')),
                    ('ad_spend', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=12, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='ad spend')),
                    ('support_contacts', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=12, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='support contacts')),
                    ('hours_worked', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=12, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='hours worked')),
                    ('orders_shipped', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=12, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='orders shipped')),
                    ('order_to_ship_hours', models.DecimalField(blank=True, decimal_places=2, max_digits=8, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='average hours from order to shipping')),
                    ('channel', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='actuals', to='sales.channel')),
                    ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='daily_actuals', to='plannerist.organization')),
                ],
                options={
                    'ordering': ['-date'],
                },
            ),
            migrations.CreateModel(
                name='DiscountCode',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('code', models.CharField(max_length=64, verbose_name='discount code')),
                    ('campaign_id', models.BigIntegerField(db_index=True, verbose_name='campaign')),
                    ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='discount_codes', to='plannerist.organization')),
                ],
            ),
            migrations.CreateModel(
                name='ImportBatch',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('format', models.CharField(max_length=20, verbose_name='format')),
                    ('file_names', models.JSONField(blank=True, default=list, verbose_name='files')),
                    ('status', models.CharField(choices=[('reading', 'reading the files'), ('pending', 'previewed, waiting for confirmation'), ('queued', 'queued'), ('running', 'running'), ('done', 'done'), ('failed', 'failed')], default='pending', max_length=10, verbose_name='status')),
                    ('rows', models.PositiveIntegerField(default=0, verbose_name='rows read')),
                    ('orders', models.PositiveIntegerField(default=0, verbose_name='orders')),
                    ('errors', models.JSONField(blank=True, default=list, verbose_name='errors')),
                    ('summary', models.JSONField(blank=True, default=dict, verbose_name='summary')),
                    ('options', models.JSONField(blank=True, default=dict, verbose_name='options')),
                    ('progress', models.PositiveSmallIntegerField(default=0, verbose_name='progress (%)')),
                    ('pending_lines', models.BinaryField(blank=True, null=True)),
                    ('pending_upload', models.BinaryField(blank=True, null=True)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('started_at', models.DateTimeField(blank=True, null=True)),
                    ('finished_at', models.DateTimeField(blank=True, null=True)),
                    ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='import_batches', to='plannerist.organization')),
                ],
                options={
                    'ordering': ['-created_at'],
                },
            ),
            migrations.CreateModel(
                name='ImportedLine',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('order_id', models.CharField(max_length=64, verbose_name='order id')),
                    ('date', models.DateField(verbose_name='date')),
                    ('product', models.CharField(blank=True, max_length=64, verbose_name='product')),
                    ('units', models.DecimalField(decimal_places=3, default=Decimal('0'), max_digits=12, verbose_name='units')),
                    ('amount_incl_vat', models.DecimalField(decimal_places=6, default=Decimal('0'), max_digits=18, verbose_name='amount incl. VAT')),
                    ('sale', models.BooleanField(default=True, verbose_name='sale')),
                    ('batch', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='lines', to='sales.importbatch')),
                    ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='imported_lines', to='plannerist.organization')),
                ],
            ),
            migrations.CreateModel(
                name='ImportedOrder',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('order_id', models.CharField(max_length=64, verbose_name='order id')),
                    ('ordered_at', models.DateTimeField(verbose_name='ordered at')),
                    ('channel_name', models.CharField(blank=True, max_length=120, verbose_name='channel in the file')),
                    ('campaign_id', models.BigIntegerField(blank=True, db_index=True, null=True, verbose_name='campaign')),
                    ('discount_code', models.CharField(blank=True, max_length=64, verbose_name='discount code')),
                    ('customer_key', models.CharField(blank=True, max_length=64, null=True, verbose_name='customer (salted hash)')),
                    ('units', models.DecimalField(decimal_places=3, default=Decimal('0'), max_digits=12, verbose_name='units')),
                    ('paid_incl_vat', models.DecimalField(decimal_places=6, default=Decimal('0'), max_digits=18, verbose_name='amount paid incl. VAT')),
                    ('discounts', models.DecimalField(decimal_places=6, default=Decimal('0'), max_digits=18, verbose_name='discounts')),
                    ('refunds', models.DecimalField(decimal_places=6, default=Decimal('0'), max_digits=18, verbose_name='refunds')),
                    ('shipping_incl_vat', models.DecimalField(decimal_places=6, default=Decimal('0'), max_digits=18, verbose_name='shipping incl. VAT')),
                    ('cancelled', models.BooleanField(default=False, verbose_name='cancelled')),
                    ('is_adjustment', models.BooleanField(default=False, verbose_name='stock adjustment')),
                    ('shipped_at', models.DateTimeField(blank=True, null=True, verbose_name='shipped at')),
                    ('currency', models.CharField(max_length=3, verbose_name='currency')),
                    ('source_format', models.CharField(max_length=20, verbose_name='format')),
                    ('batch', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='imported_orders', to='sales.importbatch')),
                    ('channel', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='imported_orders', to='sales.channel')),
                    ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='imported_orders', to='plannerist.organization')),
                ],
                options={
                    'ordering': ['-ordered_at'],
                },
            ),
            migrations.AddConstraint(
                model_name='channel',
                constraint=models.UniqueConstraint(fields=('organization', 'name'), name='channel_name_per_org'),
            ),
            migrations.AddIndex(
                model_name='dailyactual',
                index=models.Index(fields=['organization', 'date'], name='sales_actual_org_date'),
            ),
            migrations.AddConstraint(
                model_name='dailyactual',
                constraint=models.UniqueConstraint(models.F('organization'), models.F('date'), django.db.models.functions.comparison.Coalesce('campaign_id', 0), django.db.models.functions.comparison.Coalesce('channel', 0), name='one_actual_per_day_campaign_channel'),
            ),
            migrations.AddConstraint(
                model_name='discountcode',
                constraint=models.UniqueConstraint(models.F('organization'), django.db.models.functions.text.Lower('code'), name='one_discount_code_per_org'),
            ),
            migrations.AddIndex(
                model_name='importbatch',
                index=models.Index(fields=['status', 'created_at'], name='sales_batch_status_created'),
            ),
            migrations.AddIndex(
                model_name='importedline',
                index=models.Index(fields=['organization', 'order_id'], name='sales_line_org_order'),
            ),
            migrations.AddIndex(
                model_name='importedline',
                index=models.Index(fields=['organization', 'date'], name='sales_line_org_date'),
            ),
            migrations.AddIndex(
                model_name='importedorder',
                index=models.Index(fields=['organization', 'ordered_at'], name='sales_order_org_ordered_at'),
            ),
            migrations.AddIndex(
                model_name='importedorder',
                index=models.Index(fields=['organization', 'customer_key'], name='sales_order_org_customer'),
            ),
            migrations.AddConstraint(
                model_name='importedorder',
                constraint=models.UniqueConstraint(fields=('organization', 'order_id'), name='one_imported_order_per_id'),
            ),
            ],
        ),
    ]
