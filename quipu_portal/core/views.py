from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from quipu_portal.core.forms import LanguageForm
from quipu_portal.core.services import user_language_set


@require_POST
def language_set(request):
    form = LanguageForm(request.POST)
    target = request.POST.get("next") or "/"
    # Only a path of this site: anything else (another host, or a bare word that redirect() would
    # take for a view name) goes home.
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        target = "/"
    if form.is_valid():
        language = form.cleaned_data["language"]
        user_language_set(user=request.user, language=language)
        translation.activate(language)
    return HttpResponseRedirect(target)
