"""Label rules on hand-written histories (trends.labels): momentum and spread, not one ratio."""

from trends.labels import Current, Point, is_evergreen, label_for

WEEK_CREATORS = 1000
S0 = 30.0  # three creators' worth of score at 10 per creator


def point(creators: int, per_creator: float = 10.0) -> Point:
    return Point(creators * per_creator, creators, creators, WEEK_CREATORS)


def now(creators: int, per_creator: float = 10.0, top_share: float = 0.1, ghosts: int = 0) -> Current:
    return Current(creators * per_creator, creators, creators + ghosts, WEEK_CREATORS, top_share)


def label(current: Current, *trailing: int) -> str:
    return label_for(current, [point(c) for c in trailing], S0).label


def test_first_week_of_data_is_new_and_has_no_growth():
    verdict = label_for(now(12), [], S0)
    assert verdict.label == "new" and verdict.growth is None


def test_jump_across_many_creators_is_breakout():
    assert label(now(30), 4, 5, 3, 4) == "breakout"


def test_jump_well_beyond_chance_is_rising():
    assert label(now(45), 20, 22, 20, 22) == "rising"
    # The same ratio on small counts is within what chance does to hundreds of keys a week.
    assert label(now(9), 4, 5, 4, 5) == "steady"


def test_climb_over_two_weeks_is_rising_where_one_week_would_not_be():
    assert label(now(30), 26, 15, 15, 15, 15) == "rising"
    assert label(now(30), 15, 15, 15, 15, 15) == "steady"


def test_doubling_from_last_week_alone_is_not_rising():
    # Last week dipped; this week is back at its usual level: no momentum across the trailing weeks.
    assert label(now(20), 10, 20, 21, 19) == "steady"


def test_key_from_nowhere_with_wide_spread_is_breakout_with_narrow_spread_new():
    assert label(now(25), 0, 0, 0) == "breakout"
    assert label(now(6), 0, 0, 0) == "new"


def test_many_posts_from_few_creators_cannot_rise():
    # One creator holds most of the score: not eligible, however large the growth.
    assert label(now(14, top_share=0.8), 3, 3, 3, 3) == "steady"
    # Mostly accounts without real engagement (a ring): not eligible either.
    assert label(now(6, ghosts=40), 2, 2, 2, 2) == "steady"


def test_steady_noise_is_steady_and_a_fall_is_declining():
    assert label(now(22), 20, 18, 21, 19) == "steady"
    assert label(now(8), 12, 20, 22, 21, 20) == "declining"
    assert label(now(17), 20, 18, 21, 19) == "steady"


def test_growth_is_score_over_the_trailing_mean():
    verdict = label_for(now(20), [point(10), point(10), point(5), point(5)], S0)
    assert verdict.growth == 200 / 75


def test_evergreen_by_stable_large_share_or_ubiquity():
    stable = [point(120), point(110), point(125), point(118), point(122)]
    assert is_evergreen(now(120), stable, S0)
    assert not is_evergreen(now(120), stable[:2], S0)  # too little history for the stable-share rule
    assert is_evergreen(now(250), [], S0)  # a quarter of all creators, with no history at all
    growing = [point(20), point(18), point(22), point(19)]
    assert not is_evergreen(now(250), growing, S0)  # a breakout that big is news, not wallpaper
    small = [point(30), point(31), point(29), point(30), point(30)]
    assert not is_evergreen(now(30), small, S0)  # steady but only 3 % of creators
