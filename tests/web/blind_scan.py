"""The anonymity scan: an oracle that shares no code or tool with the contest's anonymiser.

It takes every name of the places directory and every official of the applications, and
generates their forms with other means than the anonymiser's (pymorphy3, suffix stripping,
``name_key``):

* spelling variants by its own letter table (ж/дж, ң/н, ө/о, ү/у, ё/е);
* Russian case forms of place names from hand-written paradigm tables (nouns by their ending,
  adjectives, and the adjectives made from place names: Жаны-Жол -> Жаны-Жольского);
* Russian case forms of people's names by petrovich (both genders, all three name parts);
* Kyrgyz case forms by the ``kyrgyz`` package (vowel harmony and assimilation);

then searches them, as whole words, in page text, PDF text and document information (pdfminer
through pdfplumber), image metadata and file names; and looks for phone numbers, e-mail
addresses and web addresses (a hearing's address on the platform names its municipality) with
its own patterns.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

#: words that qualify a place name (the oracle's own list)
QUALIFIERS = {"айыл", "аймагы", "аймак", "окмоту", "өкмөтү", "район", "району", "облусу",
              "область", "город", "шаары", "село", "ayil", "aimak", "rayon", "oblast",
              "district", "city", "town", "village"}
WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
PHONE = re.compile(r"(?:\+\s*996|\b0)[\s\-()]*\d{3}[\s\-()]*\d{2,3}[\s\-()]*\d{2,3}"
                   r"(?:[\s\-()]*\d{2})?")
LINK = re.compile(r"\bhttps?://[^\s<>\"']+")
MAIL = re.compile(r"[^\s@<>\"']+@[^\s@<>\"']+\.[A-Za-z]{2,}")

CONSONANTS = set("бвгджзйклмнпрстфхцчшщ")
ADJ_ENDINGS = ["ий", "ого", "ому", "им", "ом", "ая", "ой", "ую", "ое", "ие", "их", "ими",
               "ые", "ых", "ыми", "ый", "ей", "ему", "ем"]


def fold(text: str) -> str:
    """Lower case, one spelling: ё->е, ң->н, ө->о, ү->у, дж->ж."""
    text = text.lower().replace("ё", "е").replace("ң", "н").replace("ө", "о").replace("ү", "у")
    return text.replace("дж", "ж")


def russian_noun_forms(word: str) -> set[str]:
    """Case forms (singular and plural) of a place noun, by its ending."""
    w = word.lower()
    out = {w}
    if w.endswith(("ий", "ый", "ой")):
        stem = w[:-2]
        out |= {stem + e for e in ADJ_ENDINGS}
    elif w.endswith(("ое", "ее")):
        stem = w[:-2]
        out |= {stem + e for e in ("ого", "ому", "ым", "ом", "его", "ему", "им", "ем")}
    elif w.endswith("а"):
        out |= {w[:-1] + e for e in ("ы", "и", "е", "у", "ой", "ою")}
    elif w.endswith("я"):
        out |= {w[:-1] + e for e in ("и", "е", "ю", "ей", "ею")}
    elif w.endswith("ь"):
        out |= {w[:-1] + e for e in ("я", "ю", "ем", "е", "и", "ей", "ью")}
    elif w[-1:] in CONSONANTS:
        out |= {w + e for e in ("а", "у", "ом", "е", "ы", "ов", "ам", "ами", "ах")}
    return out


def russian_adjectives(word: str) -> set[str]:
    """Adjectives made from a place name, in every case: Жаны-Жол -> жаны-жольского."""
    w = word.lower()
    stems = {w + "ь", w, w.rstrip("аеиоуыэюяү"), w.rstrip("аеиоуыэюяү") + "ин",
             w.rstrip("аеиоуыэюяү") + "й"}
    return {s + "ск" + e for s in stems if len(s) >= 2 for e in ADJ_ENDINGS}


def kyrgyz_forms(word: str) -> set[str]:
    from kyrgyz import KyrgyzError, inflect
    from kyrgyz.cases import Case

    out = set()
    for case in Case:
        try:
            out.add(inflect(word, case=case).lower())
        except (KyrgyzError, ValueError):
            continue
    return out


def person_forms(full_name: str) -> set[str]:
    """Each part of a person's name in every Russian case, both genders (petrovich)."""
    from petrovich.enums import Case, Gender
    from petrovich.main import Petrovich

    p = Petrovich()
    out = set()
    for part in full_name.split():
        # an account's title («Демо: сотрудник айыл окмоту») holds ordinary words, not a name
        if len(part) < 3 or part.lower() in QUALIFIERS:
            continue
        out.add(part.lower())
        for gender in (Gender.MALE, Gender.FEMALE):
            for case in Case.CASES:
                for fn in (p.firstname, p.lastname, p.middlename):
                    try:
                        out.add(fn(part, case, gender).lower())
                    except (KeyError, ValueError, IndexError):
                        continue
        out |= kyrgyz_forms(part)
    return out


def place_forms(name: str) -> set[str]:
    """Every form of a place's name the oracle knows, as space-joined word sequences."""
    words = [w for w in name.split() if w.lower() not in QUALIFIERS] or name.split()
    core = " ".join(words)
    out = {core.lower(), name.lower()}
    head, last = words[:-1], words[-1]
    prefix = " ".join(w.lower() for w in head)
    join = (lambda tail: f"{prefix} {tail}".strip())  # noqa: E731
    if re.search("[а-яёңөү]", last.lower()):
        for form in russian_noun_forms(last) | russian_adjectives(last) | kyrgyz_forms(last):
            out.add(join(form))
        if head:  # adjective + noun names: «Первый район» -> «Первого»
            for form in russian_noun_forms(head[0]):
                out.add(form)
    return out


@dataclass
class Vocabulary:
    forms: dict[tuple[str, ...], str] = field(default_factory=dict)  # folded words -> name
    longest: int = 1

    def add(self, form: str, name: str) -> None:
        words = tuple(fold(w) for w in WORD.findall(form))
        if words and sum(len(w) for w in words) >= 3:
            self.forms.setdefault(words, name)
            self.longest = max(self.longest, len(words))


def vocabulary() -> Vocabulary:
    """Every place of the directory and every official and staff member of the contest."""
    from aimak_web.accounts.models import Role, User
    from aimak_web.contests.models import Application
    from aimak_web.places.models import Municipality, Oblast, Rayon, Settlement

    voc = Vocabulary()
    for model in (Oblast, Rayon, Municipality, Settlement):
        for row in model.objects.values_list("name_ru", "name_ky", "name_en"):
            for name in filter(None, row):
                for form in place_forms(name):
                    voc.add(form, name)
    people = set(User.objects.filter(role=Role.MUNICIPAL_STAFF)
                 .values_list("full_name", flat=True))
    for head, contact in Application.objects.values_list("head_name", "contact_name"):
        people |= {head, contact}
    for person in filter(None, people):
        for form in person_forms(person):
            voc.add(form, person)
    return voc


def find(text: str, voc: Vocabulary) -> list[str]:
    """Names, phones and e-mails found in ``text``: ``name (as 'what was written')``."""
    found = [f"phone ({m.group().strip()!r})" for m in PHONE.finditer(text)
             if len(re.sub(r"\D", "", m.group())) >= 9]
    found += [f"e-mail ({m.group()!r})" for m in MAIL.finditer(text)]
    found += [f"link ({m.group()!r})" for m in LINK.finditer(text)]
    text = re.sub(r"-[ \t]*\r?\n\s*", "-", text)  # a word hyphenated at the end of a line
    words = [fold(w) for w in WORD.findall(text)]
    for size in range(1, voc.longest + 1):
        for i in range(len(words) - size + 1):
            name = voc.forms.get(tuple(words[i:i + size]))
            if name:
                found.append(f"{name} (as {' '.join(words[i:i + size])!r})")
    return sorted(set(found))


class _Text(HTMLParser):
    """The text of a page's <main>, with its title, alt and aria-label attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.depth, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.depth += 1
        if self.depth:
            self.parts += [v for k, v in attrs if k in ("title", "alt", "aria-label") and v]

    def handle_endtag(self, tag):
        if tag == "main":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def page_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return html.unescape(" ".join(parser.parts))


def pdf_findings(data: bytes, voc: Vocabulary) -> list[str]:
    """Names in a PDF's text and document information; any XMP metadata stream."""
    import pdfplumber

    out = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = " ".join(page.extract_text() or "" for page in pdf.pages)
        out += [f"text: {f}" for f in find(text, voc)]
        info = " ".join(str(v) for v in (pdf.metadata or {}).values())
        out += [f"metadata: {f}" for f in find(info, voc)]
        kept = sorted(k for k in (pdf.metadata or {}) if k not in ("Producer",))
        out += [f"document information kept: {k}" for k in kept]
        if "Metadata" in pdf.doc.catalog:
            out.append("XMP metadata kept")
    return out


def image_findings(data: bytes, voc: Vocabulary) -> list[str]:
    from PIL import Image

    out = []
    with Image.open(io.BytesIO(data)) as img:
        exif = img.getexif()
        if exif:
            out.append(f"EXIF kept: {sorted(exif)}")
        if exif.get_ifd(0x8825):
            out.append("GPS kept")
        for key in ("exif", "comment", "icc_profile", "xmp"):
            if img.info.get(key):
                out.append(f"{key} kept")
        text = " ".join(str(v) for v in img.info.values() if isinstance(v, str | bytes))
        out += [f"info: {f}" for f in find(text, voc)]
    return out
