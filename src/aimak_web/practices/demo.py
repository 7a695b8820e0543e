"""Demo content: the five themes come with the migrations; an open contest edition whose dates
and prize amounts are marked as an example. No practices are invented: a visitor submits one."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

EXAMPLE_NAME = "Конкурс лучших практик МСУ (пример)"


def ensure_edition(now=None):
    """The example edition: entries and vote open now, prizes 150,000 and 25,000 som."""
    from .models import Category, Criterion, Edition

    now = now or timezone.now()
    ed, created = Edition.objects.get_or_create(name_ru=EXAMPLE_NAME, defaults={
        "name_ky": "ЖӨБдүн мыкты тажрыйбалар сынагы (мисал)",
        "name_en": "Best practices of local self-government contest (example)",
        "entries_open": now - timedelta(days=1), "entries_close": now + timedelta(days=60),
        "vote_open": now - timedelta(days=1), "vote_close": now + timedelta(days=90),
        "jury_open": now - timedelta(days=1), "jury_close": now + timedelta(days=90),
        "jury_weight": 0.7, "is_example": True})
    if created:
        Category.objects.create(edition=ed, code="lsg", name_ru="Органы МСУ",
                                name_ky="ЖӨБ органдары",
                                name_en="Local self-government bodies",
                                submitter_types=["lsg"], prizes=[150000])
        Category.objects.create(edition=ed, code="citizens", name_ru="Граждане и эксперты",
                                name_ky="Жарандар жана эксперттер",
                                name_en="Citizens and experts",
                                submitter_types=["citizen", "expert"], prizes=[25000])
        for key, ru, ky, en in [
                ("impact", "Результат для жителей", "Тургундар үчүн натыйжа",
                 "Impact on residents"),
                ("evidence", "Подтверждённость данными", "Маалыматтар менен тастыкталышы",
                 "Evidence"),
                ("replicable", "Возможность повторить", "Кайталоо мүмкүнчүлүгү",
                 "Replicability")]:
            Criterion.objects.create(edition=ed, key=key, name_ru=ru, name_ky=ky, name_en=en)
    from aimak_web.accounts.models import Role, User

    ed.jurors.add(*User.objects.filter(role=Role.JURY))  # the demo's jury members are seated
    return ed


def load_demo(ctx) -> None:
    from .themes import ensure_themes

    ensure_themes()
    ed = ensure_edition()
    ctx.log(f"practices: themes from the migrations; example contest edition #{ed.pk} "
            "(dates and prizes marked as an example); no practices invented")
