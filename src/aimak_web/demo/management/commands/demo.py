"""``aimak-web demo``: load the territory demo's results into the embedded platform and serve it.

Runs after ``aimak demo`` (the Makefile's ``demo`` target chains them): migrates the SQLite
database in ``$AIMAK_DATA_DIR``, imports the dataset, creates one demo account per role, runs
every app's demo loader (real data only), then serves with gunicorn at 127.0.0.1:8000 until
Ctrl-C, with the background tasks' worker (``aimak-web db_worker``) beside it.
``--no-serve`` (or ``AIMAK_DEMO_SERVE=0``) builds everything and exits.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Load the demo's dataset and results into the platform and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--results", default="out/demo",
                            help="output folder of 'aimak demo' (default out/demo)")
        parser.add_argument("--dataset", help="dataset GeoPackage (default: the demo's own)")
        parser.add_argument("--no-serve", action="store_true",
                            help="build the database and exit (also AIMAK_DEMO_SERVE=0)")
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args, **options):
        from aimak.errors import AimakError
        from aimak.manifest import Manifest
        from aimak_web.core.demo import (
            DEMO_MUNICIPALITY_CODE,
            DEMO_PASSWORD,
            DemoContext,
            loaders,
        )
        from aimak_web.demo.users import demo_users
        from aimak_web.places.models import Municipality

        results = Path(options["results"])
        if options["dataset"]:
            dataset = Path(options["dataset"])
        else:  # the dataset the run used, as its manifest names it
            try:
                dataset = Manifest.read(results).dataset
            except AimakError as exc:
                raise CommandError(f"{exc} (make demo runs 'aimak demo' first)") from None
        say = self.stdout.write
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("import_places", str(dataset), stdout=self.stdout)
        muni = Municipality.objects.filter(code=DEMO_MUNICIPALITY_CODE).first() \
            or Municipality.objects.order_by("code").first()
        ctx = DemoContext(dataset=dataset, results=results if results.exists() else None,
                          log=say)
        ctx.users = demo_users(muni)
        for loader in loaders():
            loader(ctx)
        say("")
        say(f"Database: {settings.DATABASES['default']['NAME']}")
        say(f"Demo accounts (password for all: {DEMO_PASSWORD}); these are demo accounts, "
            "not real people:")
        for role, user in ctx.users.items():
            where = f" ({user.municipality.name_ru})" if user.municipality_id else ""
            say(f"  {role:16} {user.email}{where}")
        serve = not options["no_serve"] and os.environ.get("AIMAK_DEMO_SERVE", "1") != "0"
        if not serve:
            return
        say(f"\nServing at http://{options['bind']}/  (Ctrl-C to stop)")
        cmd = [sys.executable, "-m", "gunicorn", "aimak_web.wsgi", "--bind", options["bind"],
               "--workers", str(options["workers"]), "--access-logfile", "-"]
        # the background tasks' worker (django-tasks' database backend) runs beside the server
        worker = subprocess.Popen([sys.executable, "-m", "aimak_web", "db_worker",
                                   "--no-reload", "--interval", "1"])
        say(f"Background worker started (pid {worker.pid})")
        try:
            subprocess.run(cmd, check=False)
        except KeyboardInterrupt:
            say("stopped")
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
