"""python manage.py quipu_sandbox — a local server that behaves like the Quipu API."""

from django.core.management.base import BaseCommand, CommandError

from quipu_portal.sandbox import cli


class Command(BaseCommand):
    help = "Run the Quipu sandbox: a fake Quipu API with demo accounts, rate limit and fault injection."
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        cli.add_arguments(parser)

    def handle(self, *args, **options):
        try:
            cli.run(options, stdout=self.stdout, stderr=self.stderr)
        except ValueError as error:
            raise CommandError(str(error)) from None
