"""``aimak-web``: Django's management commands with aimak's settings as the default."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command (``aimak-web migrate``, ``aimak-web demo``, ...)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aimak_web.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line([sys.argv[0], *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
