"""A legal question published without naming its asker: its title, question and answer with
the names of the asking body, its rayon and villages, its officials, phones and e-mails
replaced, by the blind jury's anonymiser (``aimak_web.contests.anonymity``), each language's text
with that language's placeholders."""

from __future__ import annotations

from django.utils import translation

from aimak_web.contests.anonymity import Anonymiser

#: the texts a published consultation shows, each with ``_ru`` and ``_ky``
TEXTS = ("title", "question", "answer")


def anonymiser(consultation) -> Anonymiser:
    """The asker's names: the municipality's (others' places are left: a question may name the
    oblast's centre or a law's place), the person who asked and the body's staff accounts."""
    from aimak_web.accounts.models import Role, User

    staff = User.objects.filter(municipality_id=consultation.municipality_id,
                                role=Role.MUNICIPAL_STAFF).values_list("full_name", flat=True)
    officials = [consultation.submitter.full_name, *staff]
    return Anonymiser(consultation.municipality,
                      [n for n in officials if len((n or "").strip()) >= 4], others=False)


def redacted(consultation) -> dict[str, str]:
    """``{"title_ru": ..., "question_ky": ...}``: the texts as the public reads them."""
    anon = anonymiser(consultation)
    out = {}
    for lang in ("ru", "ky"):
        with translation.override(lang):
            for f in TEXTS:
                out[f"{f}_{lang}"] = anon.text(getattr(consultation, f"{f}_{lang}") or "")
    return out
