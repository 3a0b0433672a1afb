"""Accounts made before sign-up (by an owner's invitation, the operator's command or the
demo) keep logging in: allauth's mandatory verification asks a verified address of each, and
their e-mail was vouched for by whoever made the account."""

from django.db import migrations


def verify_existing(apps, schema_editor):
    User = apps.get_model("plannerist", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    known = set(EmailAddress.objects.values_list("user_id", flat=True))
    EmailAddress.objects.bulk_create([
        EmailAddress(user_id=pk, email=email.lower(), verified=True, primary=True)
        for pk, email in User.objects.exclude(email="").values_list("pk", "email") if pk not in known
    ])


class Migration(migrations.Migration):
    dependencies = [
        ("plannerist", "0003_invitation"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(verify_existing, migrations.RunPython.noop)]
