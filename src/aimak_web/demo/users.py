"""The demo accounts: one per role, named as demo accounts, with the printed demo password."""

from __future__ import annotations

from aimak_web.accounts.models import Role, User
from aimak_web.core.demo import DEMO_PASSWORD


def demo_users(municipality) -> dict[str, object]:
    """One account per role, named as demo accounts, with the printed demo password."""
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
