"""The five themes of the portal and their sub-themes (issue 14), in Russian, Kyrgyz, English."""

from django.db import migrations

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


def load(apps, schema_editor):
    Theme = apps.get_model("practices", "Theme")
    SubTheme = apps.get_model("practices", "SubTheme")
    for i, (code, ru, ky, en, subs) in enumerate(THEMES):
        theme, _ = Theme.objects.update_or_create(
            code=code, defaults={"name_ru": ru, "name_ky": ky, "name_en": en, "order": i})
        for j, (scode, sru, sky, sen) in enumerate(subs):
            SubTheme.objects.update_or_create(
                theme=theme, code=scode,
                defaults={"name_ru": sru, "name_ky": sky, "name_en": sen, "order": j})


def unload(apps, schema_editor):
    apps.get_model("practices", "Theme").objects.filter(
        code__in=[t[0] for t in THEMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
