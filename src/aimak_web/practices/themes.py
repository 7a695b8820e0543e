"""The five themes of the portal and their sub-themes (issue 14), in Russian, Kyrgyz, English.

Loaded by a data migration; ``ensure_themes`` is idempotent, so the demo loader and tests that
start from an emptied database can call it again.
"""

from __future__ import annotations

THEMES = [
    ("services", "Услуги", "Кызматтар", "Services", [
        ("water", "Водоснабжение", "Суу менен камсыздоо", "Water supply"),
        ("waste", "Вывоз мусора", "Таштандыларды чыгаруу", "Waste"),
        ("leisure", "Досуг", "Бош убакыт", "Leisure"),
        ("other", "Другие услуги", "Башка кызматтар", "Other services")]),
    ("finance", "Финансы", "Каржы", "Finance", [
        ("comments", "Комментарии", "Түшүндүрмөлөр", "Comments"),
        ("problems", "Решение проблем", "Көйгөйлөрдү чечүү", "Solving problems"),
        ("interbudget", "Межбюджетные отношения", "Бюджеттер аралык мамилелер",
         "Inter-budget relations")]),
    ("personnel", "Кадры", "Кадрлар", "Personnel", [
        ("service", "Муниципальная служба", "Муниципалдык кызмат", "Municipal service"),
        ("training", "Обучение", "Окутуу", "Training"),
        ("qualification", "Повышение квалификации", "Квалификацияны жогорулатуу",
         "Qualification")]),
    ("resources", "Ресурсы", "Ресурстар", "Resources", [
        ("land", "Земля", "Жер", "Land"),
        ("subsoil", "Недра", "Жер казынасы", "Subsoil"),
        ("investment", "Инвестиции", "Инвестициялар", "Investment")]),
    ("participation", "Участие граждан", "Жарандардын катышуусу", "Citizen participation", [
        ("mobilisation", "Мобилизация сообщества", "Коомчулукту мобилдештирүү",
         "Mobilisation"),
        ("stories", "Истории успеха", "Ийгилик тарыхтары", "Success stories")]),
]


def ensure_themes(Theme=None, SubTheme=None) -> None:
    """Create or update the themes and sub-themes (historical models from a migration)."""
    if Theme is None:
        from .models import SubTheme, Theme
    for i, (code, ru, ky, en, subs) in enumerate(THEMES):
        theme, _ = Theme.objects.update_or_create(
            code=code, defaults={"name_ru": ru, "name_ky": ky, "name_en": en, "order": i})
        for j, (scode, sru, sky, sen) in enumerate(subs):
            SubTheme.objects.update_or_create(
                theme=theme, code=scode,
                defaults={"name_ru": sru, "name_ky": sky, "name_en": sen, "order": j})
