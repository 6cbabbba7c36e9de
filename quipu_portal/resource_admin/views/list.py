"""The generic document list: filters, sort and pages from the URL, one page of book entries."""

from django.views.decorators.http import require_GET

from quipu_portal.connections.decorators import connection_required
from quipu_portal.connections.services import client_for
from quipu_portal.resource_admin import services
from quipu_portal.resource_admin.changelist import ChangeList
from quipu_portal.resource_admin.errors import quipu_boundary
from quipu_portal.resource_admin.extensions import LIST_ADDITIONS
from quipu_portal.resource_admin.filters import DocumentFilterForm


@connection_required
@quipu_boundary
@require_GET
def resource_list(request, *, admin):
    client = client_for(request.connection)
    contacts = ()
    if "contact" in admin.list_filters:
        contacts = services.contact_names_if_ready(client=client, connection=request.connection)
    names_loading = contacts is None
    if contacts is None:
        # Not fetched yet (rate budget): a chosen contact still filters, shown by its id.
        wanted = request.GET.get("contact")
        contacts = [(wanted, wanted)] if wanted else []
    filter_form = DocumentFilterForm(request.GET, filters=admin.list_filters, contact_choices=contacts)
    filters = filter_form.api_filters() if filter_form.is_valid() else {}
    change_list = ChangeList(request, admin)
    page = services.document_list(client=client, admin=admin, filters=filters, **change_list.params)
    names = services.document_names(client=client, connection=request.connection)
    additions = {}
    for addition in LIST_ADDITIONS:
        additions.update(addition(request, admin=admin, page=page))
    return change_list.response(
        page=page,
        names=names,
        names_loading=names_loading or names.loading,
        filter_form=filter_form,
        filters=filters,
        ignored_filters=[
            filter_form.fields[name].label for name in page.ignored_filters if name in filter_form.fields
        ],
        **additions,
    )
