from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from quipu_portal.connections.crypto import ConnectionSecretError, connection_secret_rotate
from quipu_portal.connections.models import Connection


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored app secret with the newest key in QUIPU_ENCRYPTION_KEYS. "
        "Afterwards the older keys can be removed from the setting."
    )

    def handle(self, *args, **options):
        rotated = 0
        failed = []
        with transaction.atomic():
            for connection in Connection.objects.select_for_update().order_by("pk"):
                try:
                    connection_secret_rotate(connection=connection)
                except ConnectionSecretError:
                    failed.append(connection.pk)
                    continue
                connection.save(update_fields=["app_secret_encrypted"])
                rotated += 1
            if failed:
                # All or nothing: keep the old keys until every secret can be read.
                transaction.set_rollback(True)
        if failed:
            raise CommandError(
                f"No secret was re-encrypted: the connections {', '.join(map(str, failed))} "
                "cannot be decrypted with any configured key."
            )
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {rotated} app secret(s) with the newest key."))
