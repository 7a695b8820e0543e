"""Budgets as accountants write them: the unit a scale factor (from the free-text unit), a
budget kind per hearing, three generic amount columns (renamed, data kept) and the provenance
of each line."""

import re

from django.db import migrations, models


def unit_scale(text: str) -> int:
    """Som per unit of a free-text unit as people typed it: «тыс. сом», "thousand KGS",
    «млн сом», "KGS", «миң сом»...; anything else is som (1)."""
    t = (text or "").lower()
    if re.search(r"млн|миллион|million|mln", t):
        return 1_000_000
    if re.search(r"тыс|thousand|миң|\bk\b", t):
        return 1000
    return 1


def scale_from_unit(apps, schema_editor):
    Hearing = apps.get_model("hearings", "Hearing")
    # every existing hearing keeps the columns it had (previous year actual, current year
    # plan, next year draft): the "draft" kind
    for h in Hearing.objects.only("pk", "budget_unit"):
        Hearing.objects.filter(pk=h.pk).update(budget_scale=unit_scale(h.budget_unit))


def unit_from_scale(apps, schema_editor):
    Hearing = apps.get_model("hearings", "Hearing")
    names = {1: "KGS", 1000: "thousand KGS", 1_000_000: "million KGS"}
    for h in Hearing.objects.only("pk", "budget_scale"):
        Hearing.objects.filter(pk=h.pk).update(budget_unit=names[h.budget_scale])


class Migration(migrations.Migration):

    dependencies = [
        ('hearings', '0003_procedure_stamps_and_hidden_by'),
    ]

    operations = [
        migrations.RenameField('budgetline', 'previous_actual', 'amount_1'),
        migrations.RenameField('budgetline', 'current_plan', 'amount_2'),
        migrations.RenameField('budgetline', 'next_draft', 'amount_3'),
        migrations.AlterField(
            model_name='budgetline',
            name='amount_1',
            field=models.DecimalField(blank=True, decimal_places=1, max_digits=16, null=True, verbose_name='amount, first column'),
        ),
        migrations.AlterField(
            model_name='budgetline',
            name='amount_2',
            field=models.DecimalField(blank=True, decimal_places=1, max_digits=16, null=True, verbose_name='amount, second column'),
        ),
        migrations.AlterField(
            model_name='budgetline',
            name='amount_3',
            field=models.DecimalField(blank=True, decimal_places=1, max_digits=16, null=True, verbose_name='amount, third column'),
        ),
        migrations.AddField(
            model_name='budgetline',
            name='provenance',
            field=models.CharField(choices=[('staff', "entered by the municipality's staff"), ('resolution', 'council resolution'), ('official', 'official source')], default='staff', max_length=12, verbose_name='where the figures come from'),
        ),
        migrations.AddField(
            model_name='budgetline',
            name='resolution_date',
            field=models.DateField(blank=True, null=True, verbose_name='resolution date'),
        ),
        migrations.AddField(
            model_name='budgetline',
            name='resolution_number',
            field=models.CharField(blank=True, max_length=40, verbose_name='council resolution No.'),
        ),
        migrations.AddField(
            model_name='hearing',
            name='budget_kind',
            field=models.CharField(choices=[('draft', 'draft budget'), ('execution', 'budget execution report'), ('medium_term', 'medium-term budget (budget year and two forecast years)')], default='draft', max_length=12, verbose_name='budget put to the hearing'),
        ),
        migrations.AddField(
            model_name='hearing',
            name='budget_scale',
            field=models.PositiveIntegerField(choices=[(1, 'som'), (1000, 'thousand som'), (1000000, 'million som')], default=1000, verbose_name='unit of the budget lines'),
        ),
        migrations.RunPython(scale_from_unit, unit_from_scale),
        migrations.RemoveField(
            model_name='hearing',
            name='budget_unit',
        ),
    ]
