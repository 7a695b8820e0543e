"""Who may see and edit merger scenarios."""

import rules

from aimak_web.accounts.rules import is_admin, is_moderator, is_municipal_staff


@rules.predicate
def is_author(user, scenario) -> bool:
    return bool(user.is_authenticated and scenario is not None
                and scenario.author_id == user.pk)


@rules.predicate
def is_public(user, scenario) -> bool:
    return scenario is not None and scenario.status in ("proposed", "official")


rules.add_perm("territory.view_scenario", is_public | is_author | is_admin)
rules.add_perm("territory.edit_scenario", is_author | is_admin)
rules.add_perm("territory.create_scenario", is_admin)
rules.add_perm("territory.publish_scenario", is_admin)


@rules.predicate
def started_job(user, job) -> bool:
    return bool(user.is_authenticated and job is not None and job.user_id == user.pk)


@rules.predicate
def public_job(user, job) -> bool:
    """Ensembles are public figures (shown on the compare page to everyone)."""
    return job is not None and job.kind == "ensemble"


rules.add_perm("territory.view_job", public_job | started_job | is_admin)
rules.add_perm("territory.run_analysis", is_admin)
# Background work (an ensemble sampled, a plan optimised) costs minutes of the one worker: only
# signed-in roles that analyse plans start it; anyone sees what has been computed.
rules.add_perm("territory.start_job", is_admin | is_municipal_staff | is_moderator)
