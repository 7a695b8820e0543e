"""Where a person can go: the modules of the platform and each role's desk, in one table.

Every page's header, the home page's "what can I do here" block and the breadcrumbs read this
table, so that a module reachable here is reachable from ``/`` by the roles that use it.

To add a module or a desk page, append a :class:`Link` to ``LINKS`` below (by URL name), or, when
its address depends on your app's data (this year's contest), call :func:`register` from your
app's ``AppConfig.ready`` with ``url`` a function of the request. Who sees a link: ``roles`` names
``anonymous``, ``signed_in`` or the account roles (``citizen``, ``municipal_staff``, ``jury``,
``moderator``, ``admin``); ``None`` is everyone. A desk link is shown only to signed-in people.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

#: the sections of the table: modules everyone may open, and a signed-in person's desk
MODULE, DESK = "module", "desk"


@dataclass(frozen=True)
class Link:
    """One entry: a label, where it goes, who sees it, and what one does there."""

    key: str
    label: str
    url: str | Callable[[object], str | None]
    what: str = ""
    roles: frozenset[str] | None = None
    section: str = MODULE
    #: URL namespaces whose pages belong to this module (breadcrumbs); default: the URL's own
    namespaces: tuple[str, ...] = ()
    order: int = 100
    #: a role's own ``what`` where a page offers roles different things: (role, text), first
    #: match wins, so that a card promises each role only what that role may open
    what_for: tuple[tuple[str, str], ...] = ()

    def what_of(self, roles: set[str]) -> str:
        return next((text for role, text in self.what_for if role in roles), self.what)

    def href(self, request) -> str | None:
        if callable(self.url):
            return self.url(request)
        try:
            return reverse(self.url)
        except NoReverseMatch:
            return None

    def sees(self, roles: set[str]) -> bool:
        if self.section == DESK and "anonymous" in roles:
            return False
        return self.roles is None or bool(self.roles & roles)

    def owns(self, namespace: str) -> bool:
        own = self.namespaces or ((self.url.split(":")[0],) if isinstance(self.url, str) else ())
        return namespace in own


def _roles(*names: str) -> frozenset[str]:
    return frozenset(names)


def _hearings_near_me(request) -> str:
    url = reverse("hearings:index")
    user = getattr(request, "user", None)
    muni = getattr(user, "municipality", None) if user and user.is_authenticated else None
    return f"{url}?m={muni.code}" if muni is not None else url


LINKS: list[Link] = [
    Link("places", _("Municipalities"), "places:index",
         _("Find a municipality, rayon or village and see its figures, map and sources."),
         order=10),
    Link("hearings", _("Public hearings"), _hearings_near_me,
         _("Read the draft budget of your ayil aimak, comment and make proposals before the "
           "council decides."), namespaces=("hearings",), order=20),
    Link("contests", _("Participation contest"), "contests:index",
         _("The citizen participation contest of municipalities: its rules, applications, "
           "results and archive of past years."), order=30),
    Link("practices", _("Best practices"), "practices:index",
         _("Practices of local self-government from the journal «Municipality»: read them, "
           "propose your own, vote in the prize contest."), order=40),
    Link("territory", _("Merger scenarios"), "territory:index",
         _("Compare plans of amalgamating municipalities with travel times and populations, "
           "and edit your own scenario."), order=50),
    Link("forecasts", _("Forecasts"), "forecasts:index",
         _("Population and budget forecasts by rayon, with their method and uncertainty."),
         order=60),
    # a signed-in person's desk
    Link("me", _("My account"), "accounts:me",
         _("Your name, phone, municipality and residence verification."),
         section=DESK, namespaces=("accounts",), order=10),
    Link("my_hearings", _("My hearings"), _hearings_near_me,
         _("Prepare, open and close the public hearings of your municipality."),
         roles=_roles("municipal_staff"), section=DESK, namespaces=(), order=20),
    Link("residents", _("Residents list"), "accounts:residents",
         _("Confirm the residence of people who registered in your municipality."),
         roles=_roles("municipal_staff"), section=DESK, order=25),
    Link("my_practices", _("My practices"), "practices:mine",
         _("Practices you or your municipality submitted, in every state."),
         roles=_roles("citizen", "municipal_staff"), section=DESK, namespaces=(), order=30),
    Link("hearing_moderation", _("Moderation of hearings"), "hearings:moderation",
         _("Reported comments and proposals of public hearings."),
         roles=_roles("moderator", "admin"), section=DESK, namespaces=(), order=50),
    Link("practice_moderation", _("Moderation of practices"), "practices:moderation",
         _("Practices waiting for review before publication."),
         roles=_roles("moderator", "admin"), section=DESK, namespaces=(), order=55),
    Link("audit", _("Audit trail"), "core:audit",
         _("Who changed what, and when, across the platform."),
         roles=_roles("admin"), section=DESK, order=90),
]


def register(link: Link) -> Link:
    """Add (or replace, by key) a link; for links whose address depends on an app's data."""
    LINKS[:] = [x for x in LINKS if x.key != link.key] + [link]
    return link


def roles_of(user) -> set[str]:
    """``anonymous``, or ``signed_in`` and the account's role (``admin`` for superusers)."""
    if user is None or not user.is_authenticated:
        return {"anonymous"}
    out = {"signed_in", getattr(user, "role", "") or "citizen"}
    if user.is_superuser:
        out.add("admin")
    return out


@dataclass(frozen=True)
class Entry:
    key: str
    label: str
    href: str
    what: str
    current: bool


def links_for(request, section: str) -> list[Entry]:
    """The links of ``section`` that the request's person sees, resolved, in order; at most one
    is current: the link to this very page, else the first whose namespace the page is in (the
    residents list and "My account" are both `accounts` pages)."""
    roles = roles_of(getattr(request, "user", None))
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    out = []
    for link in sorted(LINKS, key=lambda x: x.order):
        if link.section != section or not link.sees(roles):
            continue
        href = link.href(request)
        if href:
            out.append(Entry(link.key, link.label, href, link.what_of(roles),
                             bool(namespace) and link.owns(namespace)))
    path = getattr(request, "path", None)
    exact = [e for e in out if e.current and e.href.split("?")[0] == path]
    first = exact[0] if exact else next((e for e in out if e.current), None)
    return [e if e is first or not e.current else replace(e, current=False) for e in out]


def module_of(request) -> Entry | None:
    """The module the current page belongs to (for the breadcrumbs), unless it is its index."""
    match = getattr(request, "resolver_match", None)
    if not match or not match.namespace:
        return None
    for entry in links_for(request, MODULE) + links_for(request, DESK):
        if entry.current:
            return entry if entry.href.split("?")[0] != request.path else None
    return None


def keys(entries: Iterable[Entry]) -> list[str]:
    return [e.key for e in entries]
