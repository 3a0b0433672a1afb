from django import template

from sales.import_messages import import_message as _import_message

register = template.Library()


@register.filter
def import_message(message: object) -> str:
    """An import error's message in the page's language (:mod:`sales.import_messages`)."""
    return _import_message(str(message)) if message else ""
