"""What the demo loads into the embedded platform, and the demo accounts.

Every domain app may add a loader with ``register(loader)``; a loader gets the demo context
(dataset path, results folder, the demo users) and loads only real data: what has no real source
stays empty, and anything illustrative is marked as an example on its page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

DEMO_PASSWORD = "aimak-demo-2026"


@dataclass
class DemoContext:
    dataset: Path
    results: Path | None
    users: dict[str, object] = field(default_factory=dict)
    log: Callable[[str], None] = print


_loaders: list[Callable[[DemoContext], None]] = []


def register(loader: Callable[[DemoContext], None]) -> Callable[[DemoContext], None]:
    if loader not in _loaders:
        _loaders.append(loader)
    return loader


def loaders() -> list[Callable[[DemoContext], None]]:
    return list(_loaders)


#: The demo municipality: Bürgöndü ayil aimak (Nooken rayon), whose published budget lines are in
#: the shared data (``local_budgets.csv``).
DEMO_MUNICIPALITY_CODE = "41703215819000"


def demo_users(municipality) -> dict[str, object]:
    """One account per role, named as demo accounts, with the printed demo password."""
    from aimak_web.accounts.models import Role, User

    spec = {
        "citizen": ("demo-citizen@aimak.local", "Демо: житель (проживание подтверждено)",
                    Role.CITIZEN, municipality),
        "municipal_staff": ("demo-staff@aimak.local", "Демо: сотрудник айыл окмоту",
                            Role.MUNICIPAL_STAFF, municipality),
        "jury": ("demo-jury@aimak.local", "Демо: член жюри", Role.JURY, None),
        "moderator": ("demo-moderator@aimak.local", "Демо: модератор", Role.MODERATOR, None),
        "admin": ("demo-admin@aimak.local", "Демо: администратор", Role.ADMIN, None),
    }
    users = {}
    for key, (email, name, role, muni) in spec.items():
        user, _ = User.objects.get_or_create(username=email, defaults={"email": email})
        user.full_name, user.role, user.municipality, user.is_demo = name, role, muni, True
        user.is_staff = user.is_superuser = role == Role.ADMIN
        user.set_password(DEMO_PASSWORD)
        user.save()
        if role == Role.CITIZEN and not user.residence_verified_at:
            user.verify_residence("manual", by=None)
        users[key] = user
    return users
