"""The one scoring engine: known answers computed by hand, and properties (hypothesis)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aimak_web.contests.scoring import (
    Criterion,
    Entry,
    combine,
    juror_agreement,
    kendalls_w,
    outlying_jurors,
    score_entries,
)

T0 = datetime(2021, 9, 1, 12, 0)


def t(hours: int) -> datetime:
    return T0 + timedelta(hours=hours)


CRITERIA = [Criterion("A", 2.0), Criterion("B", 1.0)]


def known_case():
    entries = [Entry("E1", t(1)), Entry("E2", t(2)), Entry("E3", t(3)), Entry("E4", t(4))]
    s = {}
    for juror, entry, a, b in [("j1", "E1", 4, 3), ("j2", "E1", 5, 1), ("j3", "E1", 0, 0),
                               ("j1", "E2", 3, 3), ("j2", "E2", 4, 5), ("j3", "E2", 5, 5),
                               ("j2", "E3", 3, 5), ("j3", "E3", 4, 4)]:
        s[(juror, entry, "A")] = a
        s[(juror, entry, "B")] = b
    s[("j1", "E3", "A")] = 5  # j1 scored only A of E3: does not count for E3
    return entries, s


def test_known_answer_by_hand():
    entries, s = known_case()
    results = score_entries(CRITERIA, entries, s, recused={("j3", "E1")},
                            prizes=[300_000, 150_000])
    by = {r.entry: r for r in results}
    # E1: j3 recused. A = (4+5)/2 = 4.5, B = (3+1)/2 = 2; (2*4.5 + 1*2)/3 = 11/3
    assert by["E1"].score == pytest.approx(11 / 3)
    assert by["E1"].by_criterion == {"A": 4.5, "B": 2.0}
    assert by["E1"].n_jurors == 2
    # E2: A = (3+4+5)/3 = 4, B = (3+5+5)/3 = 13/3; (8 + 13/3)/3 = 37/9
    assert by["E2"].score == pytest.approx(37 / 9)
    assert by["E2"].n_jurors == 3
    # E3: j1 incomplete. A = 3.5, B = 4.5; (7 + 4.5)/3 = 11.5/3
    assert by["E3"].score == pytest.approx(11.5 / 3)
    assert by["E3"].n_jurors == 2
    assert [r.entry for r in results] == ["E2", "E3", "E1", "E4"]
    assert [(r.rank, r.prize) for r in results] == [(1, 300_000), (2, 150_000), (3, None),
                                                      (None, None)]
    assert by["E4"].score is None and by["E4"].by_criterion == {}


def test_tie_broken_by_earlier_submission():
    entries = [Entry("late", t(5)), Entry("early", t(1))]
    s = {(j, e, c): 4 for j in ("j1", "j2") for e in ("late", "early") for c in ("A", "B")}
    results = score_entries(CRITERIA, entries, s, prizes=[100, 50])
    assert [(r.entry, r.rank, r.prize) for r in results] == [("early", 1, 100), ("late", 2, 50)]


def test_tie_after_floating_point_means():
    # 0.1+0.2+... in different orders: means equal mathematically, a tie broken by time
    c = [Criterion("A", 0.1), Criterion("B", 0.2), Criterion("C", 0.7)]
    entries = [Entry("x", t(2)), Entry("y", t(1))]
    s = {("j1", "x", "A"): 1, ("j1", "x", "B"): 2, ("j1", "x", "C"): 3,
         ("j2", "x", "A"): 3, ("j2", "x", "B"): 2, ("j2", "x", "C"): 1,
         ("j1", "y", "A"): 2, ("j1", "y", "B"): 2, ("j1", "y", "C"): 2}
    results = score_entries(c, entries, s)
    assert [r.entry for r in results] == ["y", "x"]


def test_prizes_by_category():
    entries = [Entry("s1", t(1), "small"), Entry("s2", t(2), "small"), Entry("b1", t(3), "big"),
               Entry("b2", t(4), "other")]
    s = {}
    for e, v in [("s1", 3), ("s2", 5), ("b1", 1), ("b2", 2)]:
        s.update({("j", e, "A"): v, ("j", e, "B"): v})
    results = score_entries(CRITERIA, entries, s, prizes={"small": [200, 100], "big": [300]})
    by = {r.entry: (r.rank, r.prize) for r in results}
    assert by == {"s2": (1, 200), "s1": (2, 100), "b1": (1, 300), "b2": (1, None)}


def test_bad_input_is_refused():
    e = [Entry("E", T0)]
    with pytest.raises(ValueError):
        score_entries([Criterion("A", 0)], e, {})
    with pytest.raises(ValueError):
        score_entries([Criterion("A", -1), Criterion("B", 2)], e, {})
    with pytest.raises(ValueError):
        score_entries(CRITERIA, e, {("j", "E", "A"): 6})
    with pytest.raises(ValueError):
        score_entries(CRITERIA, [Entry("E", T0), Entry("E", T0)], {})


def test_combine_by_hand():
    # jury 4/5 = .8 and 2.5/5 = .5; votes 30/60 = .5 and 60/60 = 1; w = .7
    out = combine({"a": 4.0, "b": 2.5, "c": None}, {"a": 30, "b": 60}, 0.7)
    assert out["a"] == pytest.approx(0.7 * 0.8 + 0.3 * 0.5)
    assert out["b"] == pytest.approx(0.7 * 0.5 + 0.3 * 1.0)
    assert out["c"] == 0.0
    assert combine({"a": 5.0}, {}, 0.5) == {"a": 0.5}


def test_kendalls_w_by_hand():
    same = {"j1": {"a": 1, "b": 2, "c": 3}, "j2": {"a": 2, "b": 4, "c": 5}}
    assert kendalls_w(same) == pytest.approx(1.0)
    assert kendalls_w({"j1": {"a": 1, "b": 2}, "j2": {"a": 2, "b": 1}}) == pytest.approx(0.0)
    # rank sums 5, 6, 7 around a mean of 6: S = 2; W = 12*2 / (3^2 * (3^3 - 3)) = 1/9
    three = {"j1": {"a": 1, "b": 2, "c": 3}, "j2": {"a": 1, "b": 2, "c": 3},
             "j3": {"a": 3, "b": 2, "c": 1}}
    assert kendalls_w(three) == pytest.approx(1 / 9)
    assert kendalls_w({"j1": {"a": 1}}) is None
    # a member who scored one entry only (recused from the others) is left out of W
    assert kendalls_w({**three, "j4": {"a": 5}}) == pytest.approx(1 / 9)
    assert kendalls_w({"j1": {"a": 1, "b": 1}, "j2": {"a": 3, "b": 3}}) is None


def test_outlying_juror_by_hand():
    up = {"a": 1, "b": 2, "c": 3, "d": 4}
    scores = {"j1": up, "j2": {k: v + 0.5 for k, v in up.items()}, "j3": up,
              "j4": {"a": 4, "b": 3, "c": 2, "d": 1}}
    rho = juror_agreement(scores)
    assert rho["j4"] == pytest.approx(-1.0)
    assert rho["j1"] == pytest.approx(1.0)  # others' means 2, 2.5, 3, 3.5 (rank-wise rising)
    assert outlying_jurors(scores) == ["j4"]
    assert outlying_jurors({"j1": up, "j2": up}) == []


# --- properties ----------------------------------------------------------------------------

JURORS = ["j1", "j2", "j3", "j4"]
CRIT_KEYS = ["A", "B", "C"]


@st.composite
def contests(draw):
    n_crit = draw(st.integers(1, 3))
    weights = draw(st.lists(st.floats(0, 100, allow_nan=False), min_size=n_crit,
                            max_size=n_crit).filter(lambda w: sum(w) > 1e-6))
    criteria = [Criterion(CRIT_KEYS[i], w) for i, w in enumerate(weights)]
    n_entries = draw(st.integers(1, 6))
    hours = draw(st.lists(st.integers(0, 3), min_size=n_entries, max_size=n_entries))
    cats = draw(st.lists(st.sampled_from(["", "s", "b"]), min_size=n_entries,
                         max_size=n_entries))
    entries = [Entry(f"E{i}", t(h), c) for i, (h, c) in enumerate(zip(hours, cats, strict=True))]
    cells = [(j, e.key, c.key) for j in JURORS for e in entries for c in criteria]
    present = draw(st.lists(st.booleans(), min_size=len(cells), max_size=len(cells)))
    values = draw(st.lists(st.integers(0, 5), min_size=len(cells), max_size=len(cells)))
    scores = {cell: float(v) for cell, p, v in zip(cells, present, values, strict=True) if p}
    pairs = [(j, e.key) for j in JURORS for e in entries]
    recused = {p for p in pairs if draw(st.booleans()) and draw(st.booleans())}
    return criteria, entries, scores, recused


def _by(results):
    return {r.entry: r for r in results}


@settings(max_examples=150, deadline=None)
@given(contests())
def test_scores_bounded_and_ranks_a_permutation(case):
    criteria, entries, scores, recused = case
    results = score_entries(criteria, entries, scores, recused, prizes=[3, 2, 1])
    assert sorted(r.entry for r in results) == sorted(e.key for e in entries)
    scored = [r for r in results if r.score is not None]
    assert all(0 <= r.score <= 5 for r in scored)
    assert sorted(r.rank for r in scored) == list(range(1, len(scored) + 1))
    assert all(r.rank is None and r.prize is None and r.n_jurors == 0
               for r in results if r.score is None)
    for r in scored:
        assert r.prize == ([3, 2, 1][r.rank - 1] if r.rank <= 3 else None)
        assert 1 <= r.n_jurors <= len(JURORS)
    # better score -> better rank; equal score -> earlier submission first
    when = {e.key: e.submitted_at for e in entries}
    ordered = sorted(scored, key=lambda r: r.rank)
    for a, b in itertools.pairwise(ordered):
        assert a.score >= b.score - 1e-9
        if abs(a.score - b.score) < 1e-9:
            assert when[a.entry] <= when[b.entry]


@settings(max_examples=100, deadline=None)
@given(contests(), st.floats(0.01, 1000))
def test_weights_sum_to_anything(case, k):
    criteria, entries, scores, recused = case
    base = _by(score_entries(criteria, entries, scores, recused))
    scaled = _by(score_entries([Criterion(c.key, c.weight * k) for c in criteria], entries,
                               scores, recused))
    for key, r in base.items():
        if r.score is None:
            assert scaled[key].score is None
        else:
            assert scaled[key].score == pytest.approx(r.score, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(contests())
def test_recusal_is_like_not_scoring(case):
    criteria, entries, scores, recused = case
    with_recusal = score_entries(criteria, entries, scores, recused)
    without = {k: v for k, v in scores.items() if (k[0], k[1]) not in recused}
    assert with_recusal == score_entries(criteria, entries, without)


@settings(max_examples=100, deadline=None)
@given(contests(), st.data())
def test_missing_score_drops_the_juror_for_that_entry(case, data):
    criteria, entries, scores, recused = case
    if not scores:
        return
    cell = data.draw(st.sampled_from(sorted(scores)))
    juror, entry, _crit = cell
    one_missing = {k: v for k, v in scores.items() if k != cell}
    all_missing = {k: v for k, v in scores.items() if (k[0], k[1]) != (juror, entry)}
    assert (score_entries(criteria, entries, one_missing, recused)
            == score_entries(criteria, entries, all_missing, recused))


@settings(max_examples=60, deadline=None)
@given(contests())
def test_a_juror_scoring_nothing_changes_nothing(case):
    criteria, entries, scores, recused = case
    silent = recused | {("j9", e.key) for e in entries[:1]}
    assert (score_entries(criteria, entries, scores, silent)
            == score_entries(criteria, entries, scores, recused))


@settings(max_examples=60, deadline=None)
@given(contests())
def test_input_order_does_not_matter(case):
    criteria, entries, scores, recused = case
    a = score_entries(criteria, entries, scores, recused)
    b = score_entries(list(reversed(criteria)), list(reversed(entries)), scores, recused)
    assert [r for r in a if r.rank] == [r for r in b if r.rank]


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 5), st.integers(0, 5), st.floats(0.1, 10), st.floats(0, 10))
def test_single_application(a, b, wa, wb):
    c = [Criterion("A", wa), Criterion("B", wb)]
    [r] = score_entries(c, [Entry("only", T0)], {("j", "only", "A"): a, ("j", "only", "B"): b},
                        prizes=[55_000])
    assert r.rank == 1 and r.prize == 55_000 and r.n_jurors == 1
    assert r.score == pytest.approx((wa * a + wb * b) / (wa + wb))


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(JURORS),
                       st.dictionaries(st.sampled_from(["a", "b", "c", "d"]),
                                       st.integers(0, 10), min_size=0, max_size=4)))
def test_agreement_figures_stay_in_range(scores):
    w = kendalls_w(scores)
    assert w is None or 0 <= w <= 1
    for rho in juror_agreement(scores).values():
        assert rho is None or -1 - 1e-9 <= rho <= 1 + 1e-9
    assert set(outlying_jurors(scores)) <= set(scores)


def test_prize_ties_and_their_decisions_by_hand():
    """Three entries: a and b tie at 4.0 on places 1 and 2 (300 and 150), c is third (50).
    A tie on places 2 and 3 of equal prizes would not count."""
    from aimak_web.contests import scoring

    crit = [scoring.Criterion("c1", 1.0)]
    t0 = datetime(2026, 12, 1)
    entries = [scoring.Entry("a", t0.replace(day=2)), scoring.Entry("b", t0.replace(day=1)),
               scoring.Entry("c", t0.replace(day=3))]
    scores = {("j1", "a", "c1"): 4.0, ("j1", "b", "c1"): 4.0, ("j1", "c", "c1"): 3.0}
    results = scoring.score_entries(crit, entries, scores, prizes=[300, 150, 50])
    assert [(r.entry, r.rank, r.prize) for r in results] == [
        ("b", 1, 300.0), ("a", 2, 150.0), ("c", 3, 50.0)]  # earlier submission first
    [tie] = scoring.prize_ties(results)
    assert (tie.entries, tie.places, tie.prizes) == (("b", "a"), (1, 2), (300.0, 150.0))
    voted = scoring.decide_tie(results, tie, ["a", "b"])
    assert [(r.entry, r.rank, r.prize) for r in voted] == [
        ("a", 1, 300.0), ("b", 2, 150.0), ("c", 3, 50.0)]
    shared = scoring.decide_tie(results, tie, shared=True)
    assert [(r.entry, r.rank, r.prize) for r in shared] == [
        ("b", 1, 225.0), ("a", 1, 225.0), ("c", 3, 50.0)]
    with pytest.raises(ValueError):
        scoring.decide_tie(results, tie, ["a", "c"])
    same = scoring.score_entries(crit, entries, scores, prizes=[100, 100, 100])
    assert scoring.prize_ties(same) == []  # equal prizes: the order decides no money
    beyond = scoring.score_entries(crit, entries, {**scores, ("j1", "c", "c1"): 4.0}, prizes=[300])
    assert [t.entries for t in scoring.prize_ties(beyond)] == [("b", "a", "c")]
