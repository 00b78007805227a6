"""NHS date inputs: each box has its own id, and the error summary links to the day box."""

from __future__ import annotations

import re

from tests.helpers import error_summary_links
from tracker.models import Role


def test_a_refused_date_links_to_its_day_box(app, sign_in):
    admin = sign_in(Role.ADMIN)
    page = admin.post(
        "/admin/closure-days", {"day[day]": "", "day[month]": "", "day[year]": "", "reason": ""}
    ).get_data(as_text=True)
    assert "#day-day" in error_summary_links(page)
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert {"day-day", "day-month", "day-year"} <= set(ids)
    # Before, every date input's boxes were "-day", "-month" and "-year".
    assert not [i for i in ids if i.startswith("-")]
    assert len(ids) == len(set(ids))
