from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from quipu_portal.core.forms import LoginForm

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
    path("book-entries/", include("quipu_portal.book_entries.urls")),
    path("invoices/", include("quipu_portal.invoices.urls")),
    path("simplified-invoices/", include("quipu_portal.simplified_invoices.urls")),
    path("additional-income/", include("quipu_portal.additional_income.urls")),
    path("tickets/", include("quipu_portal.tickets.urls")),
    path("paysheets/", include("quipu_portal.paysheets.urls")),
    path("contacts/", include("quipu_portal.contacts.urls")),
    path("numbering-series/", include("quipu_portal.numbering_series.urls")),
    path("accounting-categories/", include("quipu_portal.accounting_categories.urls")),
    path("accounting-subcategories/", include("quipu_portal.accounting_subcategories.urls")),
    path("analytic-categories/", include("quipu_portal.analytic_categories.urls")),
    path("pdfs/", include("quipu_portal.pdfs.urls")),
    path("jobs/", include("quipu_portal.jobs.urls")),
    path("changes/", include("quipu_portal.audit.urls")),
    path("quarter-review/", include("quipu_portal.quarter_review.urls")),
    path("", include("quipu_portal.core.urls")),
]
