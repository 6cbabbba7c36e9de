from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from quipu_portal.connections.models import Connection
from quipu_portal.quipu.config import LOOPBACK_HOSTS, base_url_allowed


class ConnectionForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("How you recognise this company, for example its trade name."),
    )
    base_url = forms.URLField(
        label=_("API address"),
        max_length=300,
        assume_scheme="https",
        help_text=_("Leave it as it is unless you were given another address."),
    )
    app_id = forms.CharField(
        label=_("App ID"),
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("In Quipu: Settings, Integrations, API."),
    )
    app_secret = forms.CharField(
        label=_("App secret"),
        max_length=255,
        # Write-only: never rendered back, not even after a validation error.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, owner, instance: Connection | None = None, **kwargs):
        self.owner = owner
        self.instance = instance
        if instance is not None:
            kwargs.setdefault(
                "initial", {"name": instance.name, "base_url": instance.base_url, "app_id": instance.app_id}
            )
        else:
            kwargs.setdefault("initial", {"base_url": settings.QUIPU_DEFAULT_BASE_URL})
        super().__init__(*args, **kwargs)
        if instance is not None:
            self.fields["app_secret"].required = False
            self.fields["app_secret"].help_text = _("Leave blank to keep the current secret.")

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = Connection.objects.filter(owner=self.owner, name=name)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("You already have a connection with this name."))
        return name

    def clean_base_url(self) -> str:
        url = self.cleaned_data["base_url"]
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"}:
            raise forms.ValidationError(_("The address must start with https://."))
        if parts.username or parts.password:
            raise forms.ValidationError(_("The address must not contain a user name or password."))
        if parts.query or parts.fragment:
            raise forms.ValidationError(_("The address must not contain a query or a fragment."))
        if parts.scheme == "http" and not (
            settings.QUIPU_ALLOW_INSECURE_LOOPBACK and (parts.hostname or "") in LOOPBACK_HOSTS
        ):
            raise forms.ValidationError(
                _("The address must start with https://; credentials are never sent unencrypted.")
            )
        if not base_url_allowed(url):
            raise forms.ValidationError(
                _("This portal only connects to these addresses: %(allowed)s.")
                % {"allowed": ", ".join(settings.QUIPU_ALLOWED_BASE_URLS)}
            )
        return url.rstrip("/")

    def clean_app_id(self) -> str:
        return self.cleaned_data["app_id"].strip()


class ActiveConnectionForm(forms.Form):
    connection = forms.IntegerField(label=_("Quipu connection"))
    next = forms.CharField(required=False)
