"""Phone width: what the sweep of the demo (test_demo_sweep.py) measured wrong or could not see.

A table wider than a phone scrolls inside its own box; a visually hidden label in one of its far
cells (``position: absolute``) escaped that box and widened the page by 15 px at 390 px: the
practice form's evidence rows (seen under gunicorn on the demo, issue 29)."""

from __future__ import annotations

import pytest

from .conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hidden_labels_in_a_scrolled_table_do_not_widen_the_page(page, live_server, users):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/accounts/signin/")
    page.fill("#id_username", users["municipal_staff"].email)
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=signin-submit]")
    page.goto(f"{live_server.url}/practices/new/", wait_until="load")
    assert page.locator("table.evidence-form .vh").count() > 0  # what this test is about
    wide = page.evaluate("document.documentElement.scrollWidth - "
                         "document.documentElement.clientWidth")
    assert wide <= 1, f"{wide} px wider than the phone"
    assert page.watch.errors == []
