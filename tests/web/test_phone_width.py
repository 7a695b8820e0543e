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


def test_a_number_in_a_narrow_column_is_not_broken_inside(page, live_server):
    """`main` lets long words wrap anywhere (phones); a number cell must not: the contest
    archive's prize column read «1 500 00 / 0» on two lines at 1,280 px."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/", wait_until="load")
    lines = page.evaluate("""() => {
        const t = document.createElement('table'); t.className = 'data'; t.style.width = '40px';
        t.innerHTML = '<tbody><tr><td class="num">1\\u202f500\\u202f000</td></tr></tbody>';
        document.querySelector('main').appendChild(t);
        const td = t.querySelector('td');
        const range = document.createRange(); range.selectNodeContents(td);
        return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
    }""")
    assert lines == 1


def test_an_empty_lists_placeholder_has_no_number(page, live_server):
    """A list with nothing in it says so in one ``li.empty``; that line is not an item, so it
    carries no marker: a hearing without proposals read «0. No proposals yet.» (its ``<ol>``
    starts at the page's first number, 0 when the page is empty)."""
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/ky/", wait_until="load")
    marker = page.evaluate("""() => {
        const ol = document.createElement('ol'); ol.start = 0;
        ol.innerHTML = '<li class="empty">Сунуштар азырынча жок.</li>';
        document.querySelector('main').appendChild(ol);
        return getComputedStyle(ol.querySelector('li')).listStyleType;
    }""")
    assert marker == "none"
