"""System checks: a misdeclared column, filter, sort or form field fails at start-up, not on a page."""

from django.core import checks

from quipu_portal.quipu.resources import RESOURCES
from quipu_portal.resource_admin.filters import ALL_FILTERS
from quipu_portal.resource_admin.forms import DocumentForm
from quipu_portal.resource_admin.options import DocumentAdmin
from quipu_portal.resource_admin.reference import ReferenceAdmin
from quipu_portal.resource_admin.registry import REGISTRY


def admin_problems(admin) -> list[str]:
    problems = []
    if admin.resource not in RESOURCES:
        problems.append(f"resource {admin.resource!r} is not in quipu.resources.RESOURCES")
        return problems
    list_spec = RESOURCES.get(admin.list_resource)
    if list_spec is None:
        problems.append(f"list_resource {admin.list_resource!r} is not in RESOURCES")
        return problems
    for name in admin.sorts:
        if name not in list_spec.sorts:
            problems.append(f"sort {name!r} is not offered by /{list_spec.path}")
    for column in admin.columns:
        if column.sort_key and column.sort_key not in list_spec.sorts:
            problems.append(
                f"column {column.name!r} sorts by {column.sort_key!r}, unknown to /{list_spec.path}"
            )
    for name in admin.default_sort:
        if name.lstrip("-") not in admin.sorts:
            problems.append(f"default_sort {name!r} is not among the declared sorts")
    if isinstance(admin, DocumentAdmin):
        problems += document_form_problems(admin)
    return problems


def document_form_problems(admin: DocumentAdmin) -> list[str]:
    problems = []
    for name in admin.list_filters:
        if name not in ALL_FILTERS:
            problems.append(f"filter {name!r} is not one of {', '.join(ALL_FILTERS)}")
    spec = RESOURCES[admin.resource]
    writable = set(spec.writable_attributes()) | set(spec.writable_for_kind.get("income", ()))
    writable |= set(spec.writable_for_kind.get("expenses", ())) | set(spec.writable_relationships)
    for name in admin.form_fields:
        if name not in DocumentForm.base_fields:
            problems.append(f"form field {name!r} is not a DocumentForm field")
        elif name not in writable:
            problems.append(f"form field {name!r} is not writable on /{spec.path}")
    for name in admin.required_fields:
        if name not in admin.form_fields:
            problems.append(f"required field {name!r} is not in form_fields")
    return problems


@checks.register()
def check_resource_admins(app_configs=None, **kwargs):
    errors = []
    for namespace, admin in REGISTRY.items():
        for problem in admin_problems(admin):
            errors.append(checks.Error(problem, obj=type(admin).__qualname__, id="resource_admin.E001"))
        if namespace != admin.namespace:
            errors.append(
                checks.Error("registered under another namespace", obj=namespace, id="resource_admin.E002")
            )
    return errors


def reference_admin_problems(admin: ReferenceAdmin) -> list[str]:
    spec = RESOURCES.get(admin.resource)
    if spec is None:
        return [f"resource {admin.resource!r} is not in quipu.resources.RESOURCES"]
    problems = []
    if admin.filter_form is not None:
        for name in admin.filter_form.base_fields:
            api_name = admin.filter_form.api_names.get(name, name)
            if api_name not in spec.filters:
                problems.append(f"filter {api_name!r} is not offered by /{spec.path}")
    if admin.form_class is not None:
        writable = set(spec.writable) | set(spec.writable_relationships)
        for name in admin.form_class.base_fields:
            if name not in writable:
                problems.append(f"form field {name!r} is not writable on /{spec.path}")
    elif admin.can_create or admin.can_edit:
        problems.append("can_create/can_edit need a form_class")
    return problems


@checks.register()
def check_reference_admins(app_configs=None, **kwargs):
    errors = []
    for admin in list(REGISTRY.values()):
        if isinstance(admin, ReferenceAdmin):
            for problem in reference_admin_problems(admin):
                errors.append(checks.Error(problem, obj=type(admin).__qualname__, id="resource_admin.E101"))
    return errors
