"""Russian and Kyrgyz translations of the hearings catalog, applied with polib.

Run from the app folder after ``makemessages``: ``python locale/translations.py``. Kept as data
so that a re-extraction does not lose them; msgids without an entry stay untranslated.
"""

from __future__ import annotations

from pathlib import Path

import polib

T: dict = {
    ("Scenario «%(t)s» of the territory explorer: the proposed unit and the municipalities "
     "it joins, with the figures computed by the aimak core."): (
        "Сценарий «%(t)s» территориального конструктора: предлагаемая единица и муниципалитеты, "
        "которые она объединяет, с цифрами, рассчитанными ядром aimak.",
        "Аймактык конструктордун «%(t)s» сценарийи: сунушталган бирдик жана ал бириктирген "
        "муниципалитеттер, aimak өзөгү эсептеген сандар менен."),
    "Map and all units": ("Карта и все единицы", "Карта жана бардык бирдиктер"),
    "Municipalities of the proposed unit:": ("Муниципалитеты предлагаемой единицы:",
                                             "Сунушталган бирдиктин муниципалитеттери:"),
    "Share within 30 minutes": ("Доля в пределах 30 минут", "30 мүнөттүн ичиндеги үлүш"),
    "Centre": ("Центр", "Борбор"),
    "Proposed unit": ("Предлагаемая единица", "Сунушталган бирдик"),
    "today:": ("сегодня:", "бүгүн:"),
    "merger scenario": ("сценарий объединения", "бириктирүү сценарийи"),
    "municipalities concerned": ("затронутые муниципалитеты", "тийиштүү муниципалитеттер"),
    "The merger proposal": ("Предложение об объединении", "Бириктирүү сунушу"),
    "Mean minutes to the centre": ("Среднее время до центра, мин",
                                   "Борборго чейин орточо убакыт, мүн"),
    "Hearings": ("Слушания", "Угуулар"),
    "row %(row)s": ("строка %(row)s", "%(row)s-сап"),
    "column «%(column)s»": ("столбец «%(column)s»", "«%(column)s» мамычасы"),
    "expected an .xlsx or .csv file, got «%(s)s»": (
        "ожидался файл .xlsx или .csv, получен «%(s)s»",
        ".xlsx же .csv файлы күтүлгөн, «%(s)s» алынды"),
    "the file cannot be read as a spreadsheet": (
        "файл не читается как таблица", "файлды таблица катары окуу мүмкүн эмес"),
    "the column is missing": ("нет такого столбца", "мындай мамыча жок"),
    "the file has a header but no rows": (
        "в файле есть заголовок, но нет строк", "файлда баш сап бар, бирок саптар жок"),
    "expected revenue, expenditure or total, got «%(v)s»": (
        "ожидалось revenue (доходы), expenditure (расходы) или total (всего), получено «%(v)s»",
        "revenue (кирешелер), expenditure (чыгашалар) же total (бардыгы) күтүлгөн, "
        "«%(v)s» алынды"),
    ("budget line", "the name is empty"): ("название пустое", "аталышы бош"),
    "say where the figures come from": (
        "укажите, откуда взяты цифры", "сандар кайдан алынганын көрсөтүңүз"),
    "expected a number such as 1250.5, got «%(v)s»": (
        "ожидалось число, например 1250.5, получено «%(v)s»",
        "сан күтүлгөн, мисалы 1250.5, «%(v)s» алынды"),
    "the amount is negative": ("сумма отрицательная", "сумма терс"),
    "the amount is too large": ("сумма слишком велика", "сумма өтө чоң"),
    "the line has no amount in any year": (
        "в строке нет суммы ни за один год", "сапта эч бир жылга сумма жок"),
    "the same code is on row %(row)s": (
        "такой же код в строке %(row)s", "ушундай эле код %(row)s-сапта"),
    "Hearing %(subject)s %(year)s": ("Слушания: %(subject)s %(year)s",
                                     "Угуу: %(subject)s %(year)s"),
    "budget": ("бюджет", "бюджет"),
    "budget report": ("отчёт о бюджете", "бюджет боюнча отчёт"),
    "merger": ("объединение", "биригүү"),
    "Public hearings: %(name)s": ("Публичные слушания: %(name)s", "Коомдук угуулар: %(name)s"),
    "Hearings announced by %(name)s on aimak": (
        "Слушания, объявленные %(name)s на aimak", "%(name)s aimak'та жарыялаган угуулар"),
    "Allowed types: %(types)s.": ("Допустимые типы: %(types)s.",
                                  "Уруксат берилген түрлөр: %(types)s."),
    "The file is larger than %(mb)s MB.": ("Файл больше %(mb)s МБ.",
                                           "Файл %(mb)s МБдан чоң."),
    "The file's content is not a %(type)s file.": (
        "Содержимое файла не соответствует типу %(type)s.",
        "Файлдын мазмуну %(type)s түрүнө туура келбейт."),
    "online session link": ("ссылка на онлайн-трансляцию", "онлайн сессиянын шилтемеси"),
    "Enter a year between 2000 and 2100.": ("Введите год от 2000 до 2100.",
                                            "2000дөн 2100гө чейинки жылды киргизиңиз."),
    "The comment period ends before it starts.": (
        "Период комментариев заканчивается раньше, чем начинается.",
        "Пикир мөөнөтү башталганга чейин бүтөт."),
    "Filled budget template (.xlsx or .csv)": ("Заполненный шаблон бюджета (.xlsx или .csv)",
                                               "Толтурулган бюджет үлгүсү (.xlsx же .csv)"),
    "the hearing as a whole": ("слушания в целом", "угуу толугу менен"),
    "Write a comment.": ("Напишите комментарий.", "Пикир жазыңыз."),
    "name of the person (paper)": ("имя автора (на бумаге)", "автордун аты (кагазда)"),
    "The amount cannot be negative.": ("Сумма не может быть отрицательной.",
                                       "Сумма терс боло албайт."),
    "What is wrong?": ("Что не так?", "Эмне туура эмес?"),
    "hide": ("скрыть", "жашыруу"),
    "restore": ("вернуть", "калыбына келтирүү"),
    "reason": ("причина", "себеп"),
    "publish now": ("опубликовать сразу", "азыр жарыялоо"),
    "at least %(n)s characters": ("не менее %(n)s символов", "кеминде %(n)s белги"),
    "Write a reason of at least %(n)s characters.": (
        "Напишите обоснование не короче %(n)s символов.",
        "Кеминде %(n)s белгиден турган негиздеме жазыңыз."),
    "The age groups add up to %(ages)s, but women and men to %(total)s.": (
        "Возрастные группы в сумме дают %(ages)s, а женщины и мужчины — %(total)s.",
        "Курак топторунун суммасы %(ages)s, ал эми аялдар менен эркектердики %(total)s."),
    "draft budget": ("проект бюджета", "бюджеттин долбоору"),
    "budget execution report": ("отчёт об исполнении бюджета",
                                "бюджеттин аткарылышы жөнүндө отчёт"),
    "merger proposal": ("предложение об объединении", "биригүү сунушу"),
    "other local question": ("другой местный вопрос", "башка жергиликтүү маселе"),
    "draft": ("черновик", "долбоор"),
    "announced": ("объявлены", "жарыяланды"),
    "open for comments": ("открыты для комментариев", "пикирлер үчүн ачык"),
    "meeting held": ("собрание проведено", "жыйын өттү"),
    "answers published": ("ответы опубликованы", "жооптор жарыяланды"),
    "closed (archived)": ("закрыты (в архиве)", "жабылды (архивде)"),
    "Announce": ("Объявить", "Жарыялоо"),
    "Open for comments": ("Открыть для комментариев", "Пикирлер үчүн ачуу"),
    "Meeting held": ("Собрание проведено", "Жыйын өттү"),
    "Publish answers": ("Опубликовать ответы", "Жоопторду жарыялоо"),
    "Close and archive": ("Закрыть и отправить в архив", "Жабуу жана архивге жөнөтүү"),
    "municipality": ("муниципалитет", "муниципалитет"),
    "subject": ("предмет", "темасы"),
    "year": ("год", "жыл"),
    "title (Russian)": ("название (на русском)", "аталышы (орусча)"),
    "title (Kyrgyz)": ("название (на кыргызском)", "аталышы (кыргызча)"),
    "notice text (Russian)": ("текст объявления (на русском)", "кулактандыруунун тексти (орусча)"),
    "notice text (Kyrgyz)": ("текст объявления (на кыргызском)",
                             "кулактандыруунун тексти (кыргызча)"),
    "notice date": ("дата объявления", "кулактандыруунун күнү"),
    "comment period start": ("начало приёма комментариев", "пикир кабыл алуунун башталышы"),
    "comment period end": ("конец приёма комментариев", "пикир кабыл алуунун аякташы"),
    "meeting date and time": ("дата и время собрания", "жыйындын күнү жана убактысы"),
    "meeting place": ("место собрания", "жыйындын орду"),
    "any signed-in user may take part": ("участвовать может любой вошедший пользователь",
                                         "кирген ар бир колдонуучу катыша алат"),
    "otherwise only verified residents of the municipality": (
        "иначе только подтверждённые жители муниципалитета",
        "болбосо муниципалитеттин тастыкталган тургундары гана"),
    "example": ("пример", "мисал"),
    "an illustration built on published figures, not a hearing the municipality announced": (
        "иллюстрация на опубликованных цифрах, а не слушания, объявленные муниципалитетом",
        "жарыяланган сандардагы мисал, муниципалитет жарыялаган угуу эмес"),
    "state": ("состояние", "абалы"),
    "chair": ("председатель", "төрага"),
    "secretary": ("секретарь", "катчы"),
    "women present": ("присутствовало женщин", "катышкан аялдар"),
    "men present": ("присутствовало мужчин", "катышкан эркектер"),
    "aged under 30": ("моложе 30 лет", "30 жашка чейин"),
    "aged 30–59": ("30–59 лет", "30–59 жаш"),
    "aged 60 and over": ("60 лет и старше", "60 жаш жана андан улуу"),
    "sign-in sheet": ("лист регистрации", "каттоо баракчасы"),
    "decisions (Russian)": ("решения (на русском)", "чечимдер (орусча)"),
    "decisions (Kyrgyz)": ("решения (на кыргызском)", "чечимдер (кыргызча)"),
    "unit of the budget lines": ("единица строк бюджета", "бюджет саптарынын бирдиги"),
    "hearing": ("слушания", "угуу"),
    "hearings": ("слушания", "угуулар"),
    "Fill in before announcing: %(fields)s.": ("Заполните перед объявлением: %(fields)s.",
                                               "Жарыялоодон мурун толтуруңуз: %(fields)s."),
    "The notice must come at least %(days)s days before the meeting (setting "
    "AIMAK_HEARING_NOTICE_DAYS); it comes %(lead)s days before.": (
        "Объявление должно выйти не позже чем за %(days)s дней до собрания (настройка "
        "AIMAK_HEARING_NOTICE_DAYS); сейчас — за %(lead)s дней.",
        "Кулактандыруу жыйындан кеминде %(days)s күн мурун чыгышы керек (AIMAK_HEARING_NOTICE_DAYS "
        "жөндөөсү); азыр — %(lead)s күн мурун."),
    "Record the attendance by gender first.": (
        "Сначала внесите число участников по полу.",
        "Адегенде катышуучулардын санын жынысы боюнча киргизиңиз."),
    "%(n)s proposal(s) still lack a published, reasoned answer.": (
        "Предложений без опубликованного мотивированного ответа: %(n)s.",
        "Жарыяланган негиздүү жообу жок сунуштар: %(n)s."),
    "Unknown step.": ("Неизвестный шаг.", "Белгисиз кадам."),
    "This step is not possible in the state «%(state)s».": (
        "Этот шаг невозможен в состоянии «%(state)s».",
        "Бул кадам «%(state)s» абалында мүмкүн эмес."),
    "revenue": ("доходы", "кирешелер"),
    "expenditure": ("расходы", "чыгашалар"),
    "total budget (not broken down)": ("бюджет всего (без разбивки)",
                                       "бюджет бардыгы (бөлүнбөгөн)"),
    "section": ("раздел", "бөлүм"),
    "code": ("код", "коду"),
    "name (Russian)": ("название (на русском)", "аталышы (орусча)"),
    "name (Kyrgyz)": ("название (на кыргызском)", "аталышы (кыргызча)"),
    "previous year, actual": ("прошлый год, факт", "өткөн жыл, иш жүзүндө"),
    "current year, plan": ("текущий год, план", "учурдагы жыл, план"),
    "next year, draft": ("следующий год, проект", "кийинки жыл, долбоор"),
    "source": ("источник", "булагы"),
    "hidden": ("скрыто", "жашырылган"),
    "budget line": ("строка бюджета", "бюджеттин сабы"),
    "comment": ("комментарий", "пикир"),
    "amount": ("сумма", "сумма"),
    "made on paper": ("подано на бумаге", "кагаз түрүндө берилген"),
    "title": ("заголовок", "аталышы"),
    "proposal": ("предложение", "сунуш"),
    "on paper": ("на бумаге", "кагазда"),
    "accepted": ("принято", "кабыл алынды"),
    "partly accepted": ("принято частично", "жарым-жартылай кабыл алынды"),
    "rejected": ("отклонено", "четке кагылды"),
    "outside the municipality's competence": ("вне компетенции муниципалитета",
                                              "муниципалитеттин ыйгарым укугунан тышкары"),
    "decision": ("решение", "чечим"),
    "budget line changed": ("изменённая строка бюджета", "өзгөргөн бюджет сабы"),
    "amount changed": ("изменение суммы", "сумманын өзгөрүшү"),
    "published": ("опубликовано", "жарыяланды"),
    "what is wrong": ("что не так", "эмне туура эмес"),
    "restored": ("возвращено", "калыбына келтирилди"),
    "Public hearings": ("Публичные слушания", "Коомдук угуулар"),
    "Section": ("Раздел", "Бөлүм"),
    "Code": ("Код", "Коду"),
    "Line": ("Строка", "Сап"),
    "Previous year, actual": ("Прошлый год, факт", "Өткөн жыл, иш жүзүндө"),
    "Current year, plan": ("Текущий год, план", "Учурдагы жыл, план"),
    "Next year, draft": ("Следующий год, проект", "Кийинки жыл, долбоор"),
    ("difference", "Change"): ("Изменение", "Өзгөрүү"),
    "Source": ("Источник", "Булагы"),
    "Comment": ("Комментировать", "Пикир жазуу"),
    "No budget lines yet.": ("Строк бюджета пока нет.", "Бюджеттин саптары азырынча жок."),
    "Restore": ("Вернуть", "Калыбына келтирүү"),
    "Hide": ("Скрыть", "Жашыруу"),
    "No hearings on aimak yet.": ("На aimak слушаний пока нет.",
                                  "aimak'та угуулар азырынча жок."),
    "All hearings": ("Все слушания", "Бардык угуулар"),
    "Atom feed": ("Лента Atom", "Atom тасмасы"),
    "Answer": ("Ответ", "Жооп"),
    "Answer to a proposal": ("Ответ на предложение", "Сунушка жооп"),
    "Save the answer": ("Сохранить ответ", "Жоопту сактоо"),
    "Citizen's budget": ("Бюджет для граждан", "Жарандар үчүн бюджет"),
    "The hearing is an example; the figures are the published ones, each with its source.": (
        "Слушания — пример; цифры опубликованные, у каждой указан источник.",
        "Угуу — мисал; сандар жарыяланган, ар биринин булагы көрсөтүлгөн."),
    "Amounts in": ("Суммы в", "Суммалар"),
    "Population": ("Население", "Калкы"),
    "Change against the current year": ("Изменение к текущему году",
                                        "Учурдагы жылга карата өзгөрүү"),
    "Next year, per inhabitant": ("Следующий год, на жителя", "Кийинки жыл, бир тургунга"),
    "som": ("сом", "сом"),
    "thousand som": ("тыс. сомов", "миң сом"),
    "Next year draft by line": ("Проект следующего года по строкам",
                                "Кийинки жылдын долбоору саптар боюнча"),
    "All lines": ("Все строки", "Бардык саптар"),
    "Load the budget lines": ("Загрузить строки бюджета", "Бюджеттин саптарын жүктөө"),
    "Download the template, fill one row per budget line (revenue lines by type, expenditure "
    "lines by function) and upload it as XLSX or CSV. A file with any error changes nothing; "
    "every error names its row and column. Loading a new file replaces all lines.": (
        "Скачайте шаблон, заполните по строке на каждую статью бюджета (доходы по видам, "
        "расходы по функциям) и загрузите его как XLSX или CSV. Файл с любой ошибкой ничего не "
        "меняет; каждая ошибка указывает строку и столбец. Новый файл заменяет все строки.",
        "Үлгүнү жүктөп алып, бюджеттин ар бир беренесине бир сап толтуруңуз (кирешелер түрү "
        "боюнча, чыгашалар функциясы боюнча) жана XLSX же CSV катары жүктөңүз. Ката бар файл "
        "эч нерсени өзгөртпөйт; ар бир ката сапты жана мамычаны көрсөтөт. Жаңы файл бардык "
        "саптарды алмаштырат."),
    "Download the XLSX template": ("Скачать шаблон XLSX", "XLSX үлгүсүн жүктөп алуу"),
    "Column": ("Столбец", "Мамыча"),
    "Required": ("Обязательный", "Милдеттүү"),
    "Meaning": ("Значение", "Мааниси"),
    "yes": ("да", "ооба"),
    "no": ("нет", "жок"),
    "Upload": ("Загрузить", "Жүктөө"),
    "The file was not loaded:": ("Файл не загружен:", "Файл жүктөлгөн жок:"),
    "This hearing is an example built on published figures: the municipality did not "
    "announce it on aimak.": (
        "Эти слушания — пример на опубликованных цифрах: муниципалитет не объявлял их на aimak.",
        "Бул угуу — жарыяланган сандардагы мисал: муниципалитет аны aimak'та жарыялаган эмес."),
    "Notice date": ("Дата объявления", "Кулактандыруунун күнү"),
    "Comments": ("Комментарии", "Пикирлер"),
    "Meeting": ("Собрание", "Жыйын"),
    "Online session": ("Онлайн-трансляция", "Онлайн сессия"),
    "Notice given": ("Объявлено", "Кулактандырылды"),
    ("%(n)s day before the meeting", "%(n)s days before the meeting"): (
        ["за %(n)s день до собрания", "за %(n)s дня до собрания",
         "за %(n)s дней до собрания", "за %(n)s дня до собрания"],
        ["жыйындан %(n)s күн мурун"]),
    "Attendance": ("Участники", "Катышуучулар"),
    "%(t)s participants: %(w)s women, %(m)s men": (
        "Участников: %(t)s, из них женщин %(w)s, мужчин %(m)s",
        "Катышуучулар: %(t)s, анын ичинде аялдар %(w)s, эркектер %(m)s"),
    "counted by the municipality at the meeting": ("подсчитано муниципалитетом на собрании",
                                                   "муниципалитет жыйында эсептеген"),
    "Notice (PDF):": ("Объявление (PDF):", "Кулактандыруу (PDF):"),
    "Minutes (PDF):": ("Протокол (PDF):", "Протокол (PDF):"),
    "Open data:": ("Открытые данные:", "Ачык маалыматтар:"),
    "Procedure (staff)": ("Процедура (сотрудники)", "Жол-жобо (кызматкерлер)"),
    "Notice must come this many days before the meeting (setting AIMAK_HEARING_NOTICE_DAYS; "
    "legal basis not verified):": (
        "Объявление должно выйти за столько дней до собрания (настройка "
        "AIMAK_HEARING_NOTICE_DAYS; правовое основание не проверено):",
        "Кулактандыруу жыйындан ушунча күн мурун чыгышы керек (AIMAK_HEARING_NOTICE_DAYS "
        "жөндөөсү; укуктук негизи текшерилген эмес):"),
    "Edit dates and texts": ("Изменить даты и тексты", "Күндөрдү жана тексттерди өзгөртүү"),
    "Record the meeting": ("Внести данные собрания", "Жыйындын маалыматын киргизүү"),
    "Enter a paper proposal": ("Внести предложение с бумаги", "Кагаздагы сунушту киргизүү"),
    "Sign-in sheet": ("Лист регистрации", "Каттоо баракчасы"),
    ("%(n)s proposal has no published answer yet.",
     "%(n)s proposals have no published answer yet."): (
        ["%(n)s предложение пока без опубликованного ответа.",
         "%(n)s предложения пока без опубликованного ответа.",
         "%(n)s предложений пока без опубликованного ответа.",
         "%(n)s предложения пока без опубликованного ответа."],
        ["%(n)s сунуштун жообу азырынча жарыялана элек."]),
    "One-SMS announcement:": ("Объявление в одном SMS:", "Бир SMS кулактандыруу:"),
    "Budget": ("Бюджет", "Бюджет"),
    "Citizen's budget: totals and per inhabitant": ("Бюджет для граждан: итоги и на жителя",
                                                    "Жарандар үчүн бюджет: жыйынтыктар жана "
                                                    "бир тургунга"),
    "amounts in": ("суммы в", "суммалар"),
    "Proposals and answers": ("Предложения и ответы", "Сунуштар жана жооптор"),
    "Make a proposal": ("Внести предложение", "Сунуш берүү"),
    "line": ("строка", "сап"),
    ("%(n)s supporter", "%(n)s supporters"): (
        ["%(n)s поддержал", "%(n)s поддержали", "%(n)s поддержали", "%(n)s поддержали"],
        ["%(n)s колдоду"]),
    "Waiting for the municipality's answer.": ("Ожидает ответа муниципалитета.",
                                               "Муниципалитеттин жообун күтүүдө."),
    "Withdraw support": ("Отозвать поддержку", "Колдоону кайтарып алуу"),
    "Support": ("Поддержать", "Колдоо"),
    "Report": ("Пожаловаться", "Даттануу"),
    "No proposals yet.": ("Предложений пока нет.", "Сунуштар азырынча жок."),
    "Publish the comment": ("Опубликовать комментарий", "Пикирди жарыялоо"),
    "Only verified residents of the municipality take part in this hearing.": (
        "В этих слушаниях участвуют только подтверждённые жители муниципалитета.",
        "Бул угууга муниципалитеттин тастыкталган тургундары гана катышат."),
    "Sign in to take part.": ("Войдите, чтобы участвовать.", "Катышуу үчүн кириңиз."),
    "No comments yet.": ("Комментариев пока нет.", "Пикирлер азырынча жок."),
    "Edit the hearing": ("Изменить слушания", "Угууну өзгөртүү"),
    "New hearing": ("Новые слушания", "Жаңы угуу"),
    "Save": ("Сохранить", "Сактоо"),
    "Draft budgets, budget execution reports and merger proposals: every proposal gets a "
    "written, reasoned answer. Closed hearings stay here with their proposals, answers and "
    "minutes.": (
        "Проекты бюджетов, отчёты об исполнении и предложения об объединении: на каждое "
        "предложение даётся письменный мотивированный ответ. Закрытые слушания остаются здесь с "
        "предложениями, ответами и протоколами.",
        "Бюджеттердин долбоорлору, аткарылышы жөнүндө отчёттор жана биригүү сунуштары: ар бир "
        "сунушка жазуу жүзүндө негиздүү жооп берилет. Жабылган угуулар сунуштары, жооптору жана "
        "протоколдору менен бул жерде калат."),
    "Drafts of your municipality": ("Черновики вашего муниципалитета",
                                    "Сиздин муниципалитеттин долбоорлору"),
    "State": ("Состояние", "Абалы"),
    "all": ("все", "баары"),
    "Filter": ("Отобрать", "Тандоо"),
    "Hearing": ("Слушания", "Угуу"),
    "Municipality": ("Муниципалитет", "Муниципалитет"),
    "Proposals": ("Предложения", "Сунуштар"),
    "Open data": ("Открытые данные", "Ачык маалыматтар"),
    "No hearings yet.": ("Слушаний пока нет.", "Угуулар азырынча жок."),
    "More": ("Ещё", "Дагы"),
    "Attendance by gender is required; age groups are optional and, when all are given, must "
    "add up to the total. The sign-in sheet: PDF, image or office file, at most 10 MB; it is "
    "visible to staff only.": (
        "Число участников по полу обязательно; возрастные группы необязательны, но если указаны "
        "все, должны давать в сумме итог. Лист регистрации: PDF, изображение или офисный файл, "
        "не более 10 МБ; его видят только сотрудники.",
        "Катышуучулардын саны жынысы боюнча милдеттүү; курак топтору милдеттүү эмес, бирок "
        "баары көрсөтүлсө, суммасы жалпы санга барабар болушу керек. Каттоо баракчасы: PDF, "
        "сүрөт же офис файлы, 10 МБдан ашпайт; аны кызматкерлер гана көрөт."),
    "Moderation": ("Модерация", "Модерация"),
    "Moderation of hearings": ("Модерация слушаний", "Угууларды модерациялоо"),
    "Items reported by users; an item is hidden automatically after the number of reports set "
    "in AIMAK_REPORTS_TO_HIDE, until a moderator decides. Every decision needs a reason and is "
    "logged.": (
        "Материалы, на которые пожаловались пользователи; после числа жалоб из настройки "
        "AIMAK_REPORTS_TO_HIDE материал скрывается до решения модератора. Каждое решение "
        "требует причины и записывается в журнал.",
        "Колдонуучулар даттанган материалдар; AIMAK_REPORTS_TO_HIDE жөндөөсүндөгү даттануулар "
        "санынан кийин материал модератор чечкенге чейин жашырылат. Ар бир чечим себепти талап "
        "кылат жана журналга жазылат."),
    "visible": ("видно", "көрүнөт"),
    ("%(n)s report", "%(n)s reports"): (
        ["%(n)s жалоба", "%(n)s жалобы", "%(n)s жалоб", "%(n)s жалобы"],
        ["%(n)s даттануу"]),
    "Nothing to moderate.": ("Модерировать нечего.", "Модерациялай турган эч нерсе жок."),
    "Decisions": ("Решения", "Чечимдер"),
    "No decisions yet.": ("Решений пока нет.", "Чечимдер азырынча жок."),
    "Minutes": ("Протокол", "Протокол"),
    "Minutes of the public hearing": ("Протокол публичных слушаний", "Коомдук угуунун протоколу"),
    "Date": ("Дата", "Күнү"),
    "Meeting place": ("Место собрания", "Жыйындын орду"),
    "Chair": ("Председатель", "Төрага"),
    "Secretary": ("Секретарь", "Катчы"),
    "Women": ("Женщины", "Аялдар"),
    "Men": ("Мужчины", "Эркектер"),
    "Total": ("Всего", "Бардыгы"),
    "No published answer yet.": ("Опубликованного ответа пока нет.",
                                 "Жарыяланган жооп азырынча жок."),
    "No proposals.": ("Предложений нет.", "Сунуштар жок."),
    "Generated by aimak": ("Сформировано aimak", "aimak түздү"),
    "Public hearing": ("Публичные слушания", "Коомдук угуу"),
    "The budget in short": ("Бюджет кратко", "Бюджет кыскача"),
    "Take part online": ("Участвуйте онлайн", "Онлайн катышыңыз"),
    "Every proposal receives a written, reasoned answer from the municipality.": (
        "На каждое предложение муниципалитет даёт письменный мотивированный ответ.",
        "Ар бир сунушка муниципалитет жазуу жүзүндө негиздүү жооп берет."),
    "Enter a proposal made on paper": ("Внести предложение, поданное на бумаге",
                                       "Кагаз түрүндө берилген сунушту киргизүү"),
    "The municipality must answer every proposal in writing, with its reasons.": (
        "Муниципалитет обязан ответить на каждое предложение письменно и с обоснованием.",
        "Муниципалитет ар бир сунушка жазуу жүзүндө жана негиздеме менен жооп бериши керек."),
    "Submit": ("Отправить", "Жөнөтүү"),
    "The hearing is created as a draft.": ("Слушания созданы как черновик.",
                                           "Угуу долбоор катары түзүлдү."),
    "A closed hearing cannot be changed.": ("Закрытые слушания изменить нельзя.",
                                            "Жабылган угууну өзгөртүүгө болбойт."),
    "Saved.": ("Сохранено.", "Сакталды."),
    "The hearing is now: %(state)s.": ("Состояние слушаний: %(state)s.",
                                       "Угуунун абалы: %(state)s."),
    "The budget can be changed only before comments open.": (
        "Бюджет можно менять только до открытия комментариев.",
        "Бюджетти пикирлер ачылганга чейин гана өзгөртүүгө болот."),
    "%(n)s budget lines loaded from %(file)s.": ("Загружено строк бюджета: %(n)s из %(file)s.",
                                                "%(file)s файлынан %(n)s бюджет сабы жүктөлдү."),
    "The hearing is not open for comments.": ("Слушания закрыты для комментариев.",
                                              "Угуу пикирлер үчүн ачык эмес."),
    "Your comment is published.": ("Ваш комментарий опубликован.", "Пикириңиз жарыяланды."),
    "The hearing is not open for proposals.": ("Слушания закрыты для предложений.",
                                               "Угуу сунуштар үчүн ачык эмес."),
    "Your proposal is registered; the municipality must answer it with reasons.": (
        "Ваше предложение зарегистрировано; муниципалитет обязан ответить на него с "
        "обоснованием.",
        "Сунушуңуз катталды; муниципалитет ага негиздеме менен жооп бериши керек."),
    "Paper proposals are entered while the hearing is open or right after the meeting.": (
        "Бумажные предложения вносятся, пока слушания открыты, или сразу после собрания.",
        "Кагаздагы сунуштар угуу ачык турганда же жыйындан кийин дароо киргизилет."),
    "The paper proposal is registered.": ("Бумажное предложение зарегистрировано.",
                                          "Кагаздагы сунуш катталды."),
    "The hearing is not open.": ("Слушания не открыты.", "Угуу ачык эмес."),
    "This is already hidden, pending the moderators' decision.": (
        "Это уже скрыто до решения модераторов.",
        "Бул модераторлордун чечимине чейин жашырылган."),
    "Thank you: the moderators will look at it.": ("Спасибо: модераторы рассмотрят жалобу.",
                                                   "Рахмат: модераторлор карап чыгышат."),
    "You have already reported this.": ("Вы уже пожаловались на это.",
                                        "Сиз буга буга чейин даттангансыз."),
    "Decision recorded.": ("Решение записано.", "Чечим жазылды."),
    "Answers are given before the hearing closes.": ("Ответы даются до закрытия слушаний.",
                                                     "Жооптор угуу жабылганга чейин берилет."),
    "The answer is saved.": ("Ответ сохранён.", "Жооп сакталды."),
    "Your proposal was answered: %(title)s": ("На ваше предложение ответили: %(title)s",
                                              "Сунушуңузга жооп берилди: %(title)s"),
    "The municipality answered your proposal «%(title)s»: %(verdict)s.\n\n%(reason)s\n\n"
    "%(url)s": (
        "Муниципалитет ответил на ваше предложение «%(title)s»: %(verdict)s.\n\n%(reason)s\n\n"
        "%(url)s",
        "Муниципалитет сиздин «%(title)s» сунушуңузга жооп берди: %(verdict)s.\n\n%(reason)s"
        "\n\n%(url)s"),
    "The meeting is recorded while the hearing is open or right after it.": (
        "Данные собрания вносятся, пока слушания открыты, или сразу после собрания.",
        "Жыйындын маалыматы угуу ачык турганда же андан кийин дароо киргизилет."),
    "Attach a document": ("Прикрепить документ", "Документ тиркөө"),
    "Documents": ("Документы", "Документтер"),
    "The document is attached.": ("Документ прикреплён.", "Документ тиркелди."),
    "file": ("файл", "файл"),
    "PDF, image or office file, at most 10 MB. Documents are public with the hearing.": (
        "PDF, изображение или офисный файл, не более 10 МБ. Документы публикуются вместе со "
        "слушаниями.",
        "PDF, сүрөт же офис файлы, 10 МБдан ашпайт. Документтер угуу менен бирге жарыяланат."),
    "The meeting record is saved.": ("Данные собрания сохранены.",
                                     "Жыйындын маалыматы сакталды."),
}


def apply(folder: Path) -> None:
    for index, lang in ((0, "ru"), (1, "ky")):
        path = folder / lang / "LC_MESSAGES" / "django.po"
        po = polib.pofile(str(path))
        for entry in po:
            if entry.msgid_plural:
                value = T.get((entry.msgid, entry.msgid_plural))
                if value:
                    forms = value[index]
                    entry.msgstr_plural = {i: f for i, f in enumerate(forms)}
            else:
                key = (entry.msgctxt, entry.msgid) if entry.msgctxt else entry.msgid
                value = T.get(key)
                if value:
                    entry.msgstr = value[index]
            if value and "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        po.save()
        missing = [e.msgid for e in po if not e.translated() and not e.obsolete]
        print(f"{lang}: {len(missing)} untranslated", *missing[:10], sep="\n  ")


if __name__ == "__main__":
    apply(Path(__file__).resolve().parent)
