"""python manage.py benchmark — every performance claim as a number, reproducible with one command.

Starts its own sandbox, a temporary database (migrated: SQLite, or with ``--stack production`` a
PostgreSQL database next to ``DATABASE_URL``'s, with Redis), and for each scenario the django-q2
cluster(s) or gunicorn it needs; prints a table and writes ``benchmark-results/benchmark-<time>.json``.
Nothing of the regular data folder or database is touched, and everything it started is stopped at the end.
"""

import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quipu_portal.benchmarks.management.commands.benchmark_scenario import RESULT_PREFIX
from quipu_portal.benchmarks.scenarios import SCENARIO_RATES, SCENARIOS
from quipu_portal.benchmarks.stacks import STACK_VARIABLES, STACKS, StackError, stack_prepare
from quipu_portal.sandbox.testing import REPO_ROOT, start_sandbox

MANAGE = str(REPO_ROOT / "manage.py")
RESULTS_DIR = REPO_ROOT / "benchmark-results"
# The scaled demo company holds 1,440 income invoices: enough for 1,000 PDFs and 500 edits.
SANDBOX_SCALE = "3"
# Each PDF the sandbox serves weighs about what a scanned invoice does.
SANDBOX_PDF_KB = "200"
SCENARIO_TIMEOUT = 900


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _scenario_list(text: str) -> list[int]:
    try:
        numbers = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise CommandError("--scenarios takes numbers separated by commas, e.g. 1,4") from None
    unknown = [number for number in numbers if number not in SCENARIOS]
    if unknown or not numbers:
        raise CommandError(f"Unknown scenario(s) {unknown}; choose from {sorted(SCENARIOS)}")
    return numbers


class Command(BaseCommand):
    help = "Run the benchmark scenarios against a fresh sandbox and print (and save) their figures."
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("--scenarios", default=",".join(str(n) for n in SCENARIOS), help="e.g. 1,4")
        parser.add_argument("--quick", action="store_true", help="smaller runs, for a first look")
        parser.add_argument("--documents", type=int, default=500, help="documents in scenario 1")
        parser.add_argument("--output", help="JSON file (default benchmark-results/benchmark-<time>.json)")
        parser.add_argument("--keep", action="store_true", help="keep the temporary folder (database, logs)")
        parser.add_argument(
            "--stack",
            choices=STACKS,
            default="embedded",
            help="embedded: SQLite and the ORM broker; production: PostgreSQL (DATABASE_URL's server), "
            "Redis (REDIS_URL) and the Redis broker",
        )

    def handle(self, *args, **options):
        scenarios = _scenario_list(options["scenarios"])
        started_at = datetime.datetime.now(datetime.UTC)
        folder = Path(tempfile.mkdtemp(prefix="quipu-benchmark-"))
        try:
            stack = stack_prepare(options["stack"])
        except StackError as error:
            shutil.rmtree(folder, ignore_errors=True)
            raise CommandError(str(error)) from None
        env = {key: value for key, value in os.environ.items() if key not in STACK_VARIABLES}
        env.update(stack.env)
        env.update(
            DJANGO_SETTINGS_MODULE="quipu_portal.benchmarks.settings",
            QUIPU_DATA_DIR=str(folder),
            QUIPU_BENCHMARK="1",
            LOG_LEVEL=os.environ.get("BENCHMARK_LOG_LEVEL", "WARNING"),
            PYTHONUNBUFFERED="1",
            Q_WORKERS=os.environ.get("Q_WORKERS", "2"),
        )
        self.stderr.write(f"Benchmark folder: {folder}; stack: {stack.description}")
        sandbox = None
        results = []
        try:
            self._manage(["migrate", "--noinput"], env)
            self._manage(["createcachetable"], env)
            sandbox = start_sandbox(
                rate="5/5s", seed="demo", extra_args=("--scale", SANDBOX_SCALE, "--pdf-kb", SANDBOX_PDF_KB)
            )
            large = next(account for account in sandbox.accounts() if account["app_id"] == "demo-sl-app-id")
            for number in scenarios:
                results.append(self._run(number, env, sandbox, large, options))
        finally:
            if sandbox is not None:
                sandbox.stop()
            if options["keep"]:
                self.stderr.write(
                    f"Kept {folder}" + (f" and the database {stack.database[1]}" if stack.database else "")
                )
            else:
                shutil.rmtree(folder, ignore_errors=True)
                stack.drop()

        report = {
            "started_at": started_at.isoformat(timespec="seconds"),
            "command": "python manage.py benchmark " + " ".join(sys.argv[2:]),
            "cpu_count": os.cpu_count(),
            "stack": options["stack"],
            "stack_description": stack.description,
            "python": sys.version.split()[0],
            "quick": options["quick"],
            "scenarios": results,
        }
        output = (
            Path(options["output"])
            if options["output"]
            else RESULTS_DIR / (f"benchmark-{started_at.strftime('%Y%m%d-%H%M%S')}.json")
        )
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        self.stdout.write(self._table(report))
        self.stdout.write(f"\nJSON: {output}")
        if any(result.get("error") for result in results):
            raise CommandError("Some scenarios failed; see above.")

    def _manage(self, arguments: list[str], env: dict) -> None:
        result = subprocess.run(
            [sys.executable, MANAGE, *arguments],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            raise CommandError(f"manage.py {' '.join(arguments)} failed:\n{result.stderr[-3000:]}")

    def _run(self, number: int, env: dict, sandbox, large: dict, options) -> dict:
        title, _function = SCENARIOS[number]
        rate, margin = SCENARIO_RATES[number]
        self.stderr.write(f"[{number}] {title} (limit {rate}) ...")
        scenario_env = {**env, "QUIPU_RATE_LIMIT": rate, "QUIPU_RATE_MARGIN_SECONDS": margin}
        command = [
            sys.executable,
            MANAGE,
            "benchmark_scenario",
            str(number),
            "--sandbox-url",
            sandbox.base_url,
            "--large-account",
            json.dumps(large),
            "--documents",
            str(options["documents"]),
        ]
        if options["quick"]:
            command.append("--quick")
        started = time.monotonic()
        entry = {"scenario": number, "title": title, "cpu_count": os.cpu_count(), "stack": options["stack"]}
        load_before = _load()
        try:
            result = subprocess.run(
                command,
                cwd=REPO_ROOT,
                env=scenario_env,
                capture_output=True,
                text=True,
                timeout=SCENARIO_TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            entry["error"] = f"timed out after {SCENARIO_TIMEOUT} s"
            return entry
        lines = [line for line in result.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
        if result.returncode != 0 or not lines:
            entry["error"] = (result.stderr or result.stdout)[-2000:]
            self.stderr.write(f"[{number}] failed:\n{entry['error']}")
            return entry
        entry.update(json.loads(lines[-1][len(RESULT_PREFIX) :]))
        entry["scenario_seconds"] = round(time.monotonic() - started, 1)
        # The machine's load (1-minute average, runnable processes per core) around the scenario.
        entry["load_average_before_after"] = [load_before, _load()]
        self.stderr.write(f"[{number}] done in {entry['scenario_seconds']} s")
        return entry

    @staticmethod
    def _table(report: dict) -> str:
        lines = [
            f"Benchmark of {report['started_at']} on {report['cpu_count']} cores, {report['stack']} stack"
            + (" (quick)" if report["quick"] else ""),
            "",
        ]
        for entry in report["scenarios"]:
            lines.append(f"{entry['scenario']}. {entry['title']}")
            if entry.get("error"):
                lines.append(
                    f"   FAILED: {entry['error'].strip().splitlines()[-1] if entry['error'].strip() else ''}"
                )
                continue
            width = max(len(key) for key in entry)
            for key, value in entry.items():
                if key in ("scenario", "title", "cpu_count", "stack"):
                    continue
                lines.append(f"   {key.ljust(width)}  {value}")
            lines.append("")
        return "\n".join(lines)
