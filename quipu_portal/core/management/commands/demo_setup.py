from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from quipu_portal.connections.models import Connection
from quipu_portal.connections.services import connection_create, connection_update
from quipu_portal.core.services import user_language_set

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "quipu-demo-2026"
# The sandbox's fixed demo accounts (quipu_portal/sandbox/README.md).
DEMO_CONNECTIONS = (
    ("Talleres Ebro S.L.", "demo-sl-app-id", "demo-sl-app-secret"),
    ("Lucía Navarro (autónoma)", "demo-freelancer-app-id", "demo-freelancer-app-secret"),
)


class Command(BaseCommand):
    help = "Creates the demo user with a connection to each demo company of the local sandbox."

    def add_arguments(self, parser):
        parser.add_argument("--sandbox-url", default="http://127.0.0.1:8765")

    def handle(self, *args, sandbox_url: str, **options):
        user, created = get_user_model().objects.get_or_create(
            username=DEMO_USERNAME, defaults={"is_staff": True, "is_superuser": True}
        )
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save()
            user_language_set(user=user, language="es")
        for name, app_id, app_secret in DEMO_CONNECTIONS:
            existing = Connection.objects.filter(owner=user, name=name).first()
            if existing:
                connection_update(
                    connection=existing, name=name, base_url=sandbox_url, app_id=app_id, app_secret=app_secret
                )
            else:
                connection_create(
                    owner=user, name=name, base_url=sandbox_url, app_id=app_id, app_secret=app_secret
                )
        self.stdout.write(f"Demo user '{DEMO_USERNAME}' is ready with {len(DEMO_CONNECTIONS)} connections.")
