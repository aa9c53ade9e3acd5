"""`{% memo row %}…{% endmemo %}`: a block rendered once per distinct value of the variables
it names, for the report page's long loops (one article per criterion, one item per gap).

A draft's report is rendered on every view while reviewers save it several times a second,
but a save changes a few criteria of dozens: the other articles come out of this memo. The
key is the whole value of the named variables (dicts and lists compared by content), so an
entry can never be stale; entries are per process, safe to lose and the same whichever
instance renders them. The block must read nothing but the variables it names.
"""

import itertools
import threading

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

# Rendered blocks kept per {% memo %} tag, with their keys (each a few KB); when full, the
# oldest quarter goes. Six drafts of 54 criteria being saved ten times a second fill it in
# about a minute, then each eviction costs one cold render of the rows it dropped.
LIMIT = 2000


class Unhashable(Exception):
    pass


def frozen(value):
    """A hashable key equal only for equal content, with each scalar's type (1, 1.0 and True
    print differently); raises Unhashable for anything else."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return (dict, *((key, frozen(item)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        if all(type(item) is str for item in value):  # codes citing an item: the common case
            return (list, *value)
        return (list, *(frozen(item) for item in value))
    if value is None or isinstance(value, int | float):
        return (type(value), value)
    raise Unhashable(type(value).__name__)


MISSING = object()


class MemoNode(template.Node):
    def __init__(self, nodelist, variables, bits):
        self.nodelist = nodelist
        self.variables = variables
        # `row.code row.title …` of one dict: looked up in it directly, not each through the
        # template engine's resolver (the same value for a dict, at a fraction of the cost).
        parts = [bit.split(".") for bit in bits]
        roots = {part[0] for part in parts}
        simple = all(len(part) == 2 and part[1].isidentifier() for part in parts)
        self.root = roots.pop() if simple and len(roots) == 1 else None
        self.names = [part[-1] for part in parts]
        self.rendered: dict = {}
        self.lock = threading.Lock()

    def _values(self, context):
        if self.root is not None:
            found = context.get(self.root)
            if type(found) is dict:
                return [found.get(name, MISSING) for name in self.names]
        return [variable.resolve(context) for variable in self.variables]

    def render(self, context):
        try:
            key = (
                get_language(),
                context.autoescape,
                *(value if value is MISSING else frozen(value) for value in self._values(context)),
            )
        except Unhashable:
            return self.nodelist.render(context)
        found = self.rendered.get(key)
        if found is None:
            found = self.nodelist.render(context)
            with self.lock:
                if len(self.rendered) >= LIMIT:
                    for oldest in list(itertools.islice(self.rendered, LIMIT // 4)):
                        del self.rendered[oldest]
                self.rendered[key] = found
        return mark_safe(found)


@register.tag
def memo(parser, token):
    """{% memo var1 var2 %} … {% endmemo %}"""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% memo %} needs the variables its block shows.")
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(nodelist, [parser.compile_filter(bit) for bit in bits[1:]], bits[1:])
