"""System checks: a misdeclared column, filter, sort or form field fails at start-up, not on a page."""

from importlib import import_module

from django.conf import settings
from django.core import checks

from quipu_portal.quipu.resources import RESOURCES
from quipu_portal.resource_admin.filters import ALL_FILTERS
from quipu_portal.resource_admin.forms import DocumentForm
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
    for name in admin.list_filters:
        if name not in ALL_FILTERS:
            problems.append(f"filter {name!r} is not one of {', '.join(ALL_FILTERS)}")
    for name in admin.default_sort:
        if name.lstrip("-") not in admin.sorts:
            problems.append(f"default_sort {name!r} is not among the declared sorts")
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
    import_module(settings.ROOT_URLCONF)  # the apps' urls.py register their admins
    errors = []
    for namespace, admin in REGISTRY.items():
        for problem in admin_problems(admin):
            errors.append(checks.Error(problem, obj=type(admin).__qualname__, id="resource_admin.E001"))
        if namespace != admin.namespace:
            errors.append(
                checks.Error("registered under another namespace", obj=namespace, id="resource_admin.E002")
            )
    return errors
