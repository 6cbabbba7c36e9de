from django.core.management.base import BaseCommand

from quipu_portal.exports.services import export_expired_delete


class Command(BaseCommand):
    help = "Delete the list exports older than QUIPU_FILE_RETENTION_DAYS (also scheduled hourly)."

    def handle(self, *args, **options):
        count = export_expired_delete()
        self.stdout.write(f"Deleted the files of {count} expired export(s).")
