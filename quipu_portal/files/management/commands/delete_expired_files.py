from django.core.management.base import BaseCommand

from quipu_portal.files.services import generated_files_expired_delete


class Command(BaseCommand):
    help = "Delete the PDF bundles and list exports older than QUIPU_FILE_RETENTION_DAYS (also scheduled hourly)."

    def handle(self, *args, **options):
        count = generated_files_expired_delete()
        self.stdout.write(f"Deleted {count} expired file(s).")
