"""python manage.py benchmark_scenario N — one scenario, run by ``benchmark`` in its prepared environment.

Prints one line ``BENCHMARK_RESULT {json}``. Not meant to be run by hand: ``benchmark`` sets up the
temporary database, the sandbox and the rate settings this command expects.
"""

import json
import os

from django.core.management.base import BaseCommand, CommandError

from quipu_portal.benchmarks.harness import sandbox_at
from quipu_portal.benchmarks.scenarios import SCENARIOS, Options

RESULT_PREFIX = "BENCHMARK_RESULT "


class Command(BaseCommand):
    help = "Run one benchmark scenario (used by the benchmark command)."

    def add_arguments(self, parser):
        parser.add_argument("scenario", type=int, choices=sorted(SCENARIOS))
        parser.add_argument("--sandbox-url", required=True)
        parser.add_argument("--large-account", required=True, help="JSON of the scaled demo account")
        parser.add_argument("--quick", action="store_true")
        parser.add_argument("--documents", type=int, default=500)

    def handle(self, *args, **options):
        if "QUIPU_BENCHMARK" not in os.environ:
            raise CommandError("Run `python manage.py benchmark`; this command expects its environment.")
        sandbox = sandbox_at(options["sandbox_url"])
        accounts = {"large": json.loads(options["large_account"])}
        _title, run = SCENARIOS[options["scenario"]]
        figures = run(
            sandbox=sandbox,
            accounts=accounts,
            options=Options(quick=options["quick"], documents=options["documents"]),
        )
        self.stdout.write(RESULT_PREFIX + json.dumps(figures, default=str))
