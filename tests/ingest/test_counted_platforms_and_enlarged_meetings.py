"""Regression tests of rev7's review of issue 13's eighth pass (sentences written for these tests; names made up)."""
from __future__ import annotations

import pytest

from cppcc_kg.ingest.context import demo_context
from cppcc_kg.ingest.forms import Candidate
from cppcc_kg.ingest.meetings import enlarged_meetings


def test_a_place_alone_before_an_enlarged_meeting_names_no_meeting():
    # (扩大)会议 is the enlarged meeting of a body: a place alone before it (甲山市) is no body's meeting
    norm = "甲山市(扩大)会议召开"
    pool = [Candidate(0, 3, "PrefectureLevelCity", "tagger LOC", 40)]
    assert [c for c in enlarged_meetings(demo_context(), norm, pool) if c.cls == "Meeting"] == []


def test_a_body_before_an_enlarged_meeting_still_names_its_meeting():
    norm = "甲山市委常委会(扩大)会议召开"
    pool = [Candidate(0, 3, "PrefectureLevelCity", "tagger LOC", 40), Candidate(3, 7, "StandingCommittee", "org form", 70)]
    assert [norm[c.i:c.j] for c in enlarged_meetings(demo_context(), norm, pool) if c.cls == "Meeting"] == ["甲山市委常委会(扩大)会议"]


@pytest.mark.parametrize("text", ["打造十个委员工作室品牌。", "全市建立三个委员之家。"])
def test_a_count_of_common_platforms_is_no_platform(ingester, text):
    # 十个委员工作室: a count of a common noun (委员工作室), not the name of one platform
    r = ingester.run(text, source_id="review-rev7")
    assert not [m["exact"] for m in r["mentions"] if m["status"] in ("linked", "new") and m["class"] == "Platform"]
