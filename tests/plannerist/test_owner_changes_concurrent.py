"""Two owners demoting each other at the same moment, on PostgreSQL: one wins, the other is
told the organisation keeps an owner; neither meets a deadlock (which the site answers with
its 503 page).

Each change runs in a thread of this process with a database connection of its own. Both
are held just before they write the role, so that, without the locks taken in one order,
each would already hold its own row and wait for the other's.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from plannerist import services
from plannerist.models import Membership, Role
from tests import factories
from tests.processes import needs, why_no_postgres

pytestmark = [*needs(why_no_postgres()), pytest.mark.django_db(transaction=True)]

TIMEOUT = 30
HOLD = 3  # seconds a change waits for the other one to reach its write


class Demote(threading.Thread):
    def __init__(self, membership_id: int) -> None:
        super().__init__(daemon=True)
        self.membership_id = membership_id
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            membership = Membership.objects.get(pk=self.membership_id)
            services.membership_change_role(membership=membership, role=Role.VIEWER)
        except BaseException as error:  # handed to the test thread
            self.error = error
        finally:
            connection.close()


def test_two_owners_demoting_each_other_at_once_leave_one_owner_without_a_deadlock(org, monkeypatch):
    first, second = (Membership.objects.get(user=factories.make_user_in(org, Role.OWNER)) for _ in range(2))
    both_about_to_write = threading.Barrier(2)
    save = Membership.save

    def save_when_both_are_there(self, *args, **kwargs) -> None:
        try:
            both_about_to_write.wait(HOLD)
        except threading.BrokenBarrierError:
            pass  # the other change waits for this one's locks: it cannot get here
        save(self, *args, **kwargs)

    monkeypatch.setattr(Membership, "save", save_when_both_are_there)
    changes = [Demote(second.pk), Demote(first.pk)]  # the first owner demotes the second, and back
    for change in changes:
        change.start()
    for change in changes:
        change.join(TIMEOUT)
        assert not change.is_alive()

    errors = [change.error for change in changes if change.error is not None]
    assert len(errors) == 1, errors
    assert isinstance(errors[0], services.MembershipError)
    assert str(errors[0]) == "Une organisation garde au moins un propriétaire."
    assert Membership.objects.filter(organization=org, role=Role.OWNER).count() == 1
