from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from quipu_portal.resource_admin.reference import ReferenceForm


def _descendants(records, root_id) -> set[str]:
    found, frontier = set(), {root_id}
    while frontier:
        children = {r.id for r in records if r.parent is not None and r.parent.id in frontier}
        frontier = children - found
        found |= children
    return found


def parent_choices(records, *, exclude: str | None = None) -> list[tuple[str, str]]:
    """Every category indented under its parent; a category cannot move under itself or its own entries."""
    excluded = ({exclude} | _descendants(records, exclude)) if exclude else set()
    by_parent: dict = {}
    for record in records:
        by_parent.setdefault(record.parent.id if record.parent else None, []).append(record)
    choices = [("", _("None: a top-level group"))]

    def walk(parent_id, depth):
        for record in sorted(by_parent.get(parent_id, []), key=lambda r: str(r.name or "").lower()):
            if record.id not in excluded:
                choices.append((record.id, "\u2003" * depth + str(record.name or record.id)))
                walk(record.id, depth + 1)

    walk(None, 0)
    return choices


class AnalyticCategoryForm(ReferenceForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    parent = forms.ChoiceField(
        label=_("Under"),
        required=False,
        help_text=_("Top-level groups only organise the tree: documents take the categories under them."),
    )
    relationship_fields = ("parent",)

    def setup(self):
        records = self.refdata.analytic_categories
        self.fields["parent"].choices = parent_choices(
            records, exclude=self.record.id if self.record else None
        )

    def clean_parent(self):
        parent = self.cleaned_data["parent"]
        if self.record is not None and parent == self.record.id:
            raise ValidationError(_("A category cannot be under itself."))
        return parent
