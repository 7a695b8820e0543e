"""The contest in the demo: one edition, visibly marked as an example, and no applications.

No real edition's criteria, jury or results are in the shared data, so nothing of the kind is
loaded as if it were real. The example edition lets the demo accounts walk through the contest:
its dates follow the day of loading, its texts say they are an example, and its two prizes are
the two ends of the documented 2021 range (55,000 and 300,000 som). Applications are left to the
demo users: the loader invents none.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from aimak_web.core.demo import DemoContext

from . import services
from .models import DOCUMENTED_2021, Criterion, Edition, JuryMember

RULES_RU = ("ПРИМЕР. Это демонстрационный конкурс на платформе aimak, а не настоящее положение. "
            "Настоящий конкурс «Реальное участие граждан в формировании местных бюджетов» "
            "проводится ежегодно; в 2021 году слушания шли в июне–августе, заявки принимались "
            "с 15 августа по 17 сентября, поступило 45 заявок, премии составляли от 55 000 до "
            "300 000 сомов.")
RULES_KY = ("МИСАЛ. Бул aimak платформасындагы көрсөтмө сынак, чыныгы жобо эмес. Чыныгы "
            "«Жарандардын жергиликтүү бюджетти түзүүгө чыныгы катышуусу» сынагы жыл сайын "
            "өткөрүлөт; 2021-жылы угуулар июнь–августта болуп, арыздар 15-августтан "
            "17-сентябрга чейин кабыл алынган, 45 арыз келген, сыйлыктар 55 000 сомдон "
            "300 000 сомго чейин болгон.")


def load(ctx: DemoContext) -> None:
    today = timezone.localdate()
    year = today.year
    if Edition.objects.filter(year=year).exists():
        ctx.log(f"contests: edition {year} exists, left as it is")
        return
    ed = Edition.objects.create(
        year=year, is_example=True,
        title_ru="ПРИМЕР: Реальное участие граждан в формировании местных бюджетов",
        title_ky="МИСАЛ: Жарандардын жергиликтүү бюджетти түзүүгө чыныгы катышуусу",
        rules_ru=RULES_RU, rules_ky=RULES_KY,
        hearings_from=today - timedelta(days=90), hearings_to=today - timedelta(days=1),
        applications_from=today, applications_to=today + timedelta(days=30),
        jury_from=today + timedelta(days=31), jury_to=today + timedelta(days=60),
        results_date=today + timedelta(days=70),
        prize_bands={"": [DOCUMENTED_2021["prize_max"], DOCUMENTED_2021["prize_min"]]},
        created_by=ctx.users.get("admin"))
    blank = ["ПРИМЕР"] * 6
    Criterion.objects.create(edition=ed, order=1, weight=1, title_ru="ПРИМЕР: критерий",
                             title_ky="МИСАЛ: критерий", descriptors_ru=blank,
                             descriptors_ky=["МИСАЛ"] * 6)
    services.open_applications(ed, ctx.users.get("admin"))
    if ctx.users.get("jury"):
        JuryMember.objects.get_or_create(edition=ed, user=ctx.users["jury"])
    ctx.log(f"contests: example edition {year} open for applications (no application loaded)")
