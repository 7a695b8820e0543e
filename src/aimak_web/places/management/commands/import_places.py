"""``aimak-web import_places DATASET.gpkg``: load or refresh the places directory."""

from django.core.management.base import BaseCommand, CommandError

from aimak.errors import InputError


class Command(BaseCommand):
    help = "Import (or re-import in place) a dataset GeoPackage made by 'aimak data build'."

    def add_arguments(self, parser):
        parser.add_argument("dataset", help="path of the dataset GeoPackage")

    def handle(self, *args, **options):
        from aimak_web.places.importer import import_dataset

        try:
            run = import_dataset(options["dataset"])
        except InputError as exc:
            raise CommandError(str(exc)) from None
        c = run.counts
        self.stdout.write("Imported " + ", ".join(
            f"{name}: {c['created'][name]} new, {c['updated'][name]} updated"
            for name in c["created"]))
