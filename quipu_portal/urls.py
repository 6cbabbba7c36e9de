from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path

from quipu_portal.connections.decorators import connection_pages
from quipu_portal.connections.views import old_client_url_redirect
from quipu_portal.core import urls as core_urls
from quipu_portal.core.forms import LoginForm
from quipu_portal.dashboard import views as dashboard_views

# The pages of one client: each lives under /c/<connection_id>/ (see connections/scope.py).
CLIENT_PAGES = [
    ("book-entries/", "quipu_portal.book_entries.urls"),
    ("invoices/", "quipu_portal.invoices.urls"),
    ("simplified-invoices/", "quipu_portal.simplified_invoices.urls"),
    ("additional-income/", "quipu_portal.additional_income.urls"),
    ("tickets/", "quipu_portal.tickets.urls"),
    ("paysheets/", "quipu_portal.paysheets.urls"),
    ("contacts/", "quipu_portal.contacts.urls"),
    ("numbering-series/", "quipu_portal.numbering_series.urls"),
    ("accounting-categories/", "quipu_portal.accounting_categories.urls"),
    ("accounting-subcategories/", "quipu_portal.accounting_subcategories.urls"),
    ("analytic-categories/", "quipu_portal.analytic_categories.urls"),
    ("pdfs/", "quipu_portal.pdfs.urls"),
    ("exports/", "quipu_portal.exports.urls"),
    ("tax/", "quipu_portal.tax_previews.urls"),
    ("review/", "quipu_portal.quarter_review.client_urls"),
    ("jobs/", "quipu_portal.jobs.urls"),
]
# The same paths without a client, as bookmarked before the client was in the URL.
OLD_CLIENT_PATHS = "|".join(prefix.rstrip("/") for prefix, _module in CLIENT_PAGES)

urlpatterns = [
    path(
        "login/",
        login_not_required(auth_views.LoginView.as_view(authentication_form=LoginForm)),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("admin/", admin.site.urls),
    path("connections/", include("quipu_portal.connections.urls")),
    path(
        "c/<int:connection_id>/",
        include([path(prefix, connection_pages(module)) for prefix, module in CLIENT_PAGES]),
    ),
    re_path(rf"^(?P<path>(?:{OLD_CLIENT_PATHS})/.*)$", old_client_url_redirect, name="old_client_url"),
    path("changes/", include("quipu_portal.audit.urls")),
    path("quarter-review/", include("quipu_portal.quarter_review.urls")),
    # The home page is the dashboard app's, under the name every link and redirect uses: core:home.
    path(
        "",
        include(([path("", dashboard_views.home, name="home"), *core_urls.urlpatterns], core_urls.app_name)),
    ),
]
