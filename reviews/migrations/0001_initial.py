"""The weekly reviews, moved from ``kpis``: the tables ``kpis_weeklyreview`` and
``kpis_reviewdecision`` exist already (kpis 0004), so this only records the models."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("campaigns", "0001_initial"),
        ("kpis", "0011_reviews_leave_kpis"),
        ("plannerist", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="WeeklyReview",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("week_start", models.DateField(verbose_name="week (its Monday)")),
                        ("summary", models.JSONField(blank=True, default=dict, verbose_name="summary")),
                        ("summary_taken_at", models.DateTimeField(blank=True, null=True, verbose_name="summary taken at")),
                        ("notes", models.TextField(blank=True, verbose_name="notes")),
                        ("reviewed_at", models.DateTimeField(blank=True, null=True, verbose_name="reviewed at")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("organization", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="weekly_reviews", to="plannerist.organization")),
                        ("reviewed_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="reviewed by")),
                    ],
                    options={
                        "db_table": "kpis_weeklyreview",
                        "ordering": ["-week_start"],
                        "constraints": [
                            models.UniqueConstraint(fields=("organization", "week_start"), name="one_review_per_org_week"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ReviewDecision",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("action", models.CharField(choices=[("amplify", "Amplify"), ("adjust", "Adjust"), ("stop", "Stop"), ("keep", "Keep")], max_length=10, verbose_name="decision")),
                        ("text", models.TextField(verbose_name="what exactly")),
                        ("due", models.DateField(blank=True, null=True, verbose_name="due")),
                        ("done", models.BooleanField(default=False, verbose_name="done")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("campaign", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="review_decisions", to="campaigns.campaign", verbose_name="campaign")),
                        ("owner", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="owner")),
                        ("review", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="decisions", to="reviews.weeklyreview")),
                    ],
                    options={
                        "db_table": "kpis_reviewdecision",
                        "ordering": ["done", models.OrderBy(models.F("due"), nulls_last=True), "pk"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
