"""The generic list, detail, create, edit and delete views every resource app gets.

Each view reads top to bottom: parse input with a form, get a client, call one service, pick a
response (full page, an htmx partial, or a redirect). Quipu's errors are turned into pages by
`quipu_boundary`; a 422 on a write goes back onto the form.
"""

from quipu_portal.resource_admin.views.attachments import (
    attachment_delete,
    attachment_file,
    attachment_upload,
)
from quipu_portal.resource_admin.views.credit_notes import resource_amend
from quipu_portal.resource_admin.views.delete import resource_delete
from quipu_portal.resource_admin.views.detail import resource_detail
from quipu_portal.resource_admin.views.edit import (
    options_html,
    resource_create,
    resource_edit,
    subcategory_options,
)
from quipu_portal.resource_admin.views.list import resource_list

__all__ = [
    "attachment_delete",
    "attachment_file",
    "attachment_upload",
    "options_html",
    "resource_amend",
    "resource_create",
    "resource_delete",
    "resource_detail",
    "resource_edit",
    "resource_list",
    "subcategory_options",
]
