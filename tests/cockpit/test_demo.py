"""``manage.py seed_demo`` (cockpit's: it seeds the foundation's users and organisations, then each app's rows)."""

from django.core.management import call_command

from cockpit import demo
from plannerist.models import Membership, Organization, User


def test_seed_demo_is_idempotent(db, capsys):
    call_command("seed_demo")
    counts = (Organization.objects.count(), User.objects.count(), Membership.objects.count())
    call_command("seed_demo")
    assert (Organization.objects.count(), User.objects.count(), Membership.objects.count()) == counts
    out = capsys.readouterr().out
    assert "camille@lumiere-cire.fr" in out and demo.DEMO_PASSWORD in out
    consultant = User.objects.get(email="sophie@conseil-plannerist.fr")
    assert consultant.memberships.count() == 2
