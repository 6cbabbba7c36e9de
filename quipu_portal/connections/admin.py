from django.contrib import admin

from quipu_portal.connections.models import Connection


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    """Read-mostly: connections are added in the portal, where the secret is encrypted. The secret never shows."""

    list_display = ["name", "owner", "base_url", "app_id", "last_used_at", "last_test_status"]
    list_filter = ["last_test_status"]
    search_fields = ["name", "app_id", "owner__username"]
    exclude = ["app_secret_encrypted"]
    readonly_fields = [
        "owner",
        "created_at",
        "last_used_at",
        "last_tested_at",
        "last_test_status",
        "last_test_message",
    ]

    def has_add_permission(self, request):
        return False
