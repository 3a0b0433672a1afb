"""One signal for "an organisation's inputs changed": the apps that hold plans (campaigns,
capacity) send it after a write, and forecasting after a refit stores a new forecast; the app
that derives figures from them listens (``kpis`` queues its recompute, connected in its
``AppConfig.ready()``). The writers thereby import no app above them (issue 13's floors).
"""

from django.dispatch import Signal

# Sent with ``organization=``; receivers run in the sender's transaction (they may queue work
# after commit).
inputs_changed = Signal()


def inputs_changed_send(*, sender: str, organization) -> None:
    inputs_changed.send(sender=sender, organization=organization)
