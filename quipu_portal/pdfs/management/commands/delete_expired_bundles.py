from django.core.management.base import BaseCommand

from quipu_portal.pdfs.services import bundle_expired_delete


class Command(BaseCommand):
    help = "Delete the ZIP and PDF bundles older than QUIPU_FILE_RETENTION_DAYS (also scheduled hourly)."

    def handle(self, *args, **options):
        count = bundle_expired_delete()
        self.stdout.write(f"Deleted the files of {count} expired bundle(s).")
