"""Edits never overwrite blindly: what the form loaded, what Quipu has now, what changed in between.

An edit form carries a signed snapshot of the record's writable state as it was loaded (the hidden
field ``_loaded``). On save the view reads the record again, right before writing; when Quipu's state
differs from the snapshot nothing is written: the form comes back with everything typed and the
differences in plain words, and the user either applies their edit on top of Quipu's version
(``_merge``) or reloads it. The snapshot is signed so that it cannot be forged, and both digests are
computed here from the data, never taken from the browser.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django import forms
from django.core import signing
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from quipu_portal.resource_admin.display import form_field_label

LOADED_FIELD = "_loaded"
SEEN_FIELD = "_seen"
MERGE_FIELD = "_merge"
_SALT = "resource_admin.conflicts.loaded"
# Line fields that say where a line is, not what it is.
_POSITION_FIELDS = ("id", "ORDER", "DELETE")

SAVE, MERGE, CONFLICT = "save", "merge", "conflict"


def state_json(state: dict) -> dict:
    """The state with JSON values only (dates and decimals as text), as the snapshot keeps it."""
    return json.loads(json.dumps(state, cls=DjangoJSONEncoder))


def state_digest(state: dict | None) -> str:
    if state is None:
        return ""
    body = json.dumps(state_json(state), sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()


def state_sign(state: dict) -> str:
    return signing.dumps(state_json(state), salt=_SALT, compress=True)


def loaded_state(request, current: dict) -> dict | None:
    """What the form loaded: Quipu's current state for a new form, the posted snapshot after; None
    when a posted form carries no snapshot, or one that was not made here."""
    if request.method != "POST":
        return state_json(current)
    try:
        return signing.loads(request.POST.get(LOADED_FIELD, ""), salt=_SALT)
    except signing.BadSignature:
        return None


def loaded_token(request, loaded: dict | None) -> str:
    """The snapshot to carry on in the form: the same one on every redraw, until the user reloads."""
    if loaded is None:
        return ""
    if request.method == "POST":
        return request.POST.get(LOADED_FIELD, "")
    return state_sign(loaded)


def edit_outcome(request, *, loaded: dict | None, current: dict) -> str:
    """SAVE when Quipu still has what the form loaded; MERGE when the user saw the differences with
    Quipu's present version and asked to apply their edit on top of it; otherwise CONFLICT."""
    if loaded is None:
        return CONFLICT
    now = state_digest(current)
    if state_digest(loaded) == now:
        return SAVE
    if request.POST.get(MERGE_FIELD) and request.POST.get(SEEN_FIELD) == now:
        return MERGE
    return CONFLICT


def _typed(form_field, value):
    if value is None or value == "" or isinstance(value, bool | list | int):
        return value
    if isinstance(form_field, forms.DateField):
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            return value
    if isinstance(form_field, forms.DecimalField):
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return value
    return value


def retyped(form_fields: dict, values: dict) -> dict:
    """Snapshot values as the form's fields hold them, so that ``changed_data`` compares like with like."""
    return {
        name: _typed(form_fields.get(name), value) if name in form_fields else value
        for name, value in values.items()
    }


def merge_fields(form, current_values: dict) -> list[str]:
    """The user's changed fields win; every other field takes Quipu's present value. Returns the
    names the user changed."""
    changed = list(form.changed_data)
    present = retyped(form.fields, current_values)
    for name in form.fields:
        if name not in changed and name in present:
            form.cleaned_data[name] = present[name]
    return changed


def item_changed_fields(item_form) -> list[str]:
    return [name for name in item_form.changed_data if name not in _POSITION_FIELDS]


# What changed, in plain words ---------------------------------------------------------------------------


@dataclass
class Conflict:
    """What changed in Quipu since the form was loaded, and the version the user was shown."""

    differences: list[str] = field(default_factory=list)
    seen: str = ""
    mergeable: bool = True


def _flat_choices(choices) -> dict:
    flat = {}
    for value, label in choices or ():
        if isinstance(label, list | tuple):
            flat.update(_flat_choices(label))
        else:
            flat[str(value)] = str(label).strip()
    return flat


def _shown(form_field, value) -> str:
    if value is None or value == "" or value == []:
        return _("empty")
    if isinstance(value, list):
        return ", ".join(_shown(form_field, item) for item in value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    choices = _flat_choices(getattr(form_field, "choices", None))
    if str(value) in choices and str(value):
        return choices[str(value)]
    if isinstance(form_field, forms.DecimalField):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        shown = format(number.normalize(), "f") if number == number.to_integral() else str(number)
        return shown.replace(".", get_format("DECIMAL_SEPARATOR"))  # as the form's input shows it
    return str(value)


def _field_sentence(label: str, before: str, after: str) -> str:
    return _("%(field)s: “%(before)s” when you opened the form, now “%(after)s” in Quipu.") % {
        "field": label,
        "before": before,
        "after": after,
    }


def field_differences(form_fields: dict, loaded: dict, current: dict) -> list[str]:
    sentences = []
    for name in [*current, *(name for name in loaded if name not in current)]:
        before, after = loaded.get(name), current.get(name)
        if _same(before, after):
            continue
        form_field = form_fields.get(name)
        sentences.append(
            _field_sentence(
                form_field_label(form_fields, name), _shown(form_field, before), _shown(form_field, after)
            )
        )
    return sentences


def _same(before, after) -> bool:
    empty = (None, "", [])
    if before in empty and after in empty:
        return True
    if isinstance(before, list) and isinstance(after, list):
        return sorted(map(str, before)) == sorted(map(str, after))
    return before == after


def _line_name(row: dict) -> str:
    return str(row.get("concept") or _("untitled line"))


def item_differences(item_fields: dict, loaded: list[dict], current: list[dict]) -> list[str]:
    """Lines added, deleted, changed or moved in Quipu since the form loaded them."""
    before = {row["id"]: row for row in loaded if row.get("id")}
    after = {row["id"]: row for row in current if row.get("id")}
    sentences = []
    for row in current:
        if row.get("id") not in before:
            sentences.append(_("Line added in Quipu: “%(line)s”.") % {"line": _line_name(row)})
    for row in loaded:
        if row.get("id") not in after:
            sentences.append(_("Line deleted in Quipu: “%(line)s”.") % {"line": _line_name(row)})
    for row in loaded:
        now = after.get(row.get("id"))
        if now is None:
            continue
        for name in [*now, *(name for name in row if name not in now)]:
            if name in _POSITION_FIELDS or _same(row.get(name), now.get(name)):
                continue
            form_field = item_fields.get(name)
            sentences.append(
                _(
                    "Line “%(line)s”, %(field)s: “%(before)s” when you opened the form, now “%(after)s” in Quipu."
                )
                % {
                    "line": _line_name(row),
                    "field": form_field_label(item_fields, name).lower(),
                    "before": _shown(form_field, row.get(name)),
                    "after": _shown(form_field, now.get(name)),
                }
            )
    kept_before = [row["id"] for row in loaded if row.get("id") in after]
    kept_after = [row["id"] for row in current if row.get("id") in before]
    if kept_before != kept_after:
        sentences.append(_("The lines were put in another order in Quipu."))
    return sentences


def conflict_for(*, loaded: dict | None, current: dict, form_fields: dict, item_fields: dict | None = None):
    """The differences between what the form loaded and Quipu's present state, to show the user."""
    now = state_json(current)
    if loaded is None:
        return Conflict(
            differences=[
                _(
                    "This form does not say which version of the record it was opened with, so it "
                    "cannot tell what changed in Quipu since."
                )
            ],
            seen=state_digest(now),
            mergeable=False,
        )
    differences = field_differences(form_fields, loaded.get("fields", {}), now.get("fields", {}))
    if item_fields is not None:
        differences += item_differences(item_fields, loaded.get("items") or [], now.get("items") or [])
    return Conflict(differences=differences, seen=state_digest(now))
