"""What the sales pages show from the floors above, registered at their ``AppConfig.ready()``
(as :mod:`campaigns.sources`): sales imports none of them.

A finished import's page shows what the apps above make of it: ``kpis`` lists the products
sold but missing from the catalogue (a margin rests on them), ``cockpit`` the guided start's
next step while the guide runs (first). Each block is a template and a
function ``(access, batch) -> context``; the import page includes the templates in the order
they were registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ImportDoneBlock:
    template: str
    context: Callable[..., dict]
    order: int = 100  # smaller first; equal orders keep the order of registration


_IMPORT_DONE_BLOCKS: dict[str, ImportDoneBlock] = {}


def register_import_done_block(name: str, *, template: str, context: Callable[..., dict], order: int = 100) -> None:
    """Show ``template`` on a finished import's page, with ``context(access, batch=batch)``;
    blocks of a smaller ``order`` come first."""
    _IMPORT_DONE_BLOCKS[name] = ImportDoneBlock(template, context, order)


def import_done_blocks(access, batch) -> tuple[list[str], dict]:
    """The registered blocks' templates and their merged context for one finished import."""
    blocks = sorted(_IMPORT_DONE_BLOCKS.values(), key=lambda block: block.order)
    context: dict = {}
    for block in blocks:
        context.update(block.context(access, batch=batch))
    return [block.template for block in blocks], context
