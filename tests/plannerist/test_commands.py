import pytest
from django.core.management import CommandError, call_command

from plannerist.models import Membership, Organization, Role, User


def test_create_org_with_an_owner(db, capsys):
    call_command("create_org", "atelier", "--name", "Atelier Bois", "--vat-rate", "0.055", "--owner", "Jo@Atelier.test")
    org = Organization.objects.get(slug="atelier")
    assert str(org.vat_rate) == "0.0550" and org.currency == "EUR" and org.country == "FR"
    assert Membership.objects.get(organization=org).role == Role.OWNER
    assert User.objects.get(email="jo@atelier.test")


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--currency", "euro"], "currency"),
        (["--country", "France"], "country"),
        (["--vat-rate", "1.5"], "vat_rate"),
        (["--vat-rate", "abc"], "--vat-rate"),
    ],
)
def test_create_org_refuses_bad_values_naming_the_field(db, args, field):
    with pytest.raises(CommandError) as error:
        call_command("create_org", "x", "--name", "X", *args)
    assert field in str(error.value) and error.value.returncode == 2
    assert not Organization.objects.exists()


def test_create_org_refuses_a_taken_slug(db):
    call_command("create_org", "x", "--name", "X")
    with pytest.raises(CommandError, match="slug"):
        call_command("create_org", "x", "--name", "Y")


@pytest.mark.parametrize(("value", "included"), [("no", False), ("yes", True)])
def test_create_org_says_whether_the_shop_s_prices_include_vat(db, value, included):
    call_command("create_org", "grossiste", "--name", "Grossiste", "--prices-include-vat", value)
    assert Organization.objects.get(slug="grossiste").prices_include_vat is included


def test_create_org_refuses_a_prices_include_vat_that_is_not_yes_or_no(db):
    with pytest.raises(CommandError, match="--prices-include-vat"):
        call_command("create_org", "x", "--name", "X", "--prices-include-vat", "maybe")
    assert not Organization.objects.exists()
