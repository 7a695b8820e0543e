"""Demo content of the journal: none is invented. The journal's real items are entered by its
editors; the demo only says so (an empty archive is honest, a fabricated answer is not)."""

from __future__ import annotations


def load_demo(ctx) -> None:
    ctx.log("journal: no items invented; the archive fills as the journal's editors and "
            "experts publish (plans and prices come from the settings)")
