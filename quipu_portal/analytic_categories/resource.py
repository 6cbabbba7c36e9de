from django.utils.translation import gettext_lazy as _

from quipu_portal.analytic_categories.forms import AnalyticCategoryForm
from quipu_portal.resource_admin.reference import ReferenceAdmin


class AnalyticCategoryAdmin(ReferenceAdmin):
    """Cost centres, projects, departments: a tree whose top-level groups cannot be put on documents."""

    resource = "analytic_categories"
    verbose_name = _("analytic category")
    verbose_name_plural = _("analytic categories")
    has_detail = False
    tree_list = True
    tree_root_badge = _("Group: not assignable to documents")
    tree_child_badge = _("Assignable to documents")
    form_class = AnalyticCategoryForm
    delete_refusal_help = _(
        "Quipu keeps an analytic category while it has entries under it or documents use it. "
        "Move or delete those first."
    )
    empty_text = _("There are no analytic categories yet.")
