"""The public view, built from real content through the real pipeline: aliases, drafts,
URLs under a sub-path, the goal, week pages and the milestone transitions on them."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from builders import Log, config, day, spread, sunday, w
from builders import analysed as analysed_as_of
from conftest import write_content

from generator.model.analysis import Analysis
from generator.pipeline import analyse
from generator.problems import Problems
from generator.public.wording import percent
from generator.render.pages import render_site
from generator.render.site import SiteView, public_view
from generator.source.accounts import aliases

Content = Callable[..., Path]


def analysed(root: Path, log: Log, *, case_studies: dict[str, str] | None = None,
             pages: dict[str, str] | None = None, **overrides: Any) -> Analysis:
    write_content(root, config=config(**overrides), weeks=log.weeks(),
                  case_studies=case_studies, pages=pages)
    analysis = analyse(root)
    assert analysis.ok, analysis.problems
    assert analysis.progress is not None
    return analysis


def view(analysis: Analysis, base_url: str | None = None) -> SiteView:
    assert analysis.progress is not None
    return public_view(analysis, base_url)


def names(analysis: Analysis) -> dict[str, str]:
    assert analysis.content.config is not None
    return aliases(analysis.content.config, analysis.content.weeks)


ACCOUNTS = {
    "initech": {"name": "Initech", "public": True},
    "hooli": {"name": "Hooli", "public": False},  # a name, but no consent to show it
    "bare": {"public": True},  # consent, no name: its id is its name
    "never-seen": {"name": "Never Seen", "public": True},
    "quiet": {"name": "Quiet Co"},
}


def customers_log() -> Log:
    """Accounts first seen in this order: zeta, initech, globex, alpha, hooli, bare."""
    log = Log()
    log.qualified("zeta", day(w(10), 1))
    log.qualified("initech", day(w(10), 2)).event("initech", "won", day(w(10), 3))
    log.qualified("globex", day(w(11), 1)).qualified("alpha", day(w(11), 4))
    log.qualified("hooli", day(w(12), 2)).qualified("bare", day(w(12), 3))
    return log


# --- aliases ---------------------------------------------------------------------------------


def test_aliases_number_private_accounts_by_first_event(tmp_path: Path) -> None:
    found = names(analysed(tmp_path, customers_log(), accounts=ACCOUNTS))
    assert found == {  # public accounts take a number too, unshown (Initech is 2)
        "zeta": "Customer 1", "initech": "Initech", "globex": "Customer 3",
        "alpha": "Customer 4", "hooli": "Customer 5", "bare": "bare",
        # Accounts without events: public ones by name, the rest anonymous.
        "never-seen": "Never Seen", "quiet": "A customer",
    }


def test_same_day_accounts_are_numbered_the_same_way_every_time(tmp_path: Path) -> None:
    log = Log().qualified("b-corp", day(w(10), 2)).qualified("a-corp", day(w(10), 2))
    first = names(analysed(tmp_path / "one", log))
    log2 = Log().qualified("a-corp", day(w(10), 2)).qualified("b-corp", day(w(10), 2))
    assert names(analysed(tmp_path / "two", log2)) == first  # not by order in the file
    assert sorted(first.values()) == ["Customer 1", "Customer 2"]


def test_aliases_are_stable_when_a_later_week_adds_an_account(tmp_path: Path) -> None:
    before = names(analysed(tmp_path / "before", customers_log(), accounts=ACCOUNTS))
    later = customers_log().qualified("aardvark", day(w(13), 1))
    later.event("zeta", "won", day(w(13), 2))  # an old account again: still the same alias
    after = names(analysed(tmp_path / "after", later, accounts=ACCOUNTS))
    assert after == {**before, "aardvark": "Customer 7"}


def test_consent_given_or_withdrawn_renames_no_other_account(tmp_path: Path) -> None:
    before = names(analysed(tmp_path / "before", customers_log(), accounts=ACCOUNTS))
    withdrawn = {**ACCOUNTS, "initech": {**ACCOUNTS["initech"], "public": False}}
    after = names(analysed(tmp_path / "after", customers_log(), accounts=withdrawn))
    assert after == {**before, "initech": "Customer 2"}


def test_public_names_need_public_true(tmp_path: Path) -> None:
    accounts = {"hooli": {"name": "Hooli", "public": False}, "quiet": {"name": "Quiet Co"}}
    log = Log().qualified("hooli", day(w(10))).qualified("quiet", day(w(10), 2))
    analysis = analysed(tmp_path, log, accounts=accounts)
    assert names(analysis) == {"hooli": "Customer 1", "quiet": "Customer 2"}
    site = view(analysis)
    assert "Hooli" not in repr(site) and "Quiet Co" not in repr(site)


# --- case studies and pages ------------------------------------------------------------------


def study(customer: str | None, title: str, date: str, draft: bool = False) -> str:
    lines = ["---", f"title: {title}", f"date: {date}"]
    if customer:
        lines.append(f"customer: {customer}")
    if draft:
        lines.append("draft: true")
    return "\n".join([*lines, "---", f"{title} **body**.", ""])


def page(title: str, order: int, draft: bool = False) -> str:
    return f"---\ntitle: {title}\norder: {order}\n{'draft: true' if draft else ''}\n---\nText.\n"


@pytest.fixture
def documents(tmp_path: Path) -> SiteView:
    return view(analysed(
        tmp_path, customers_log(), accounts=ACCOUNTS,
        case_studies={
            "initech": study("initech", "Initech story", "2026-03-20"),
            "zeta": study("zeta", "Zeta story", "2026-03-27"),
            "nobody": study(None, "General story", "2026-03-01"),
            "secret": study("initech", "Secret draft", "2026-03-28", draft=True),
        },
        pages={"about": page("About", 2), "team": page("Team", 1),
               "hidden": page("Hidden page", 0, draft=True)}))


def test_drafts_are_not_in_the_view(documents: SiteView) -> None:
    assert [c.slug for c in documents.case_studies] == ["zeta", "initech", "nobody"]  # newest first
    assert [p.slug for p in documents.pages] == ["team", "about"]  # by order
    assert "Secret draft" not in repr(documents) and "Hidden page" not in repr(documents)


def test_case_studies_name_customers_by_their_public_name_or_alias(documents: SiteView) -> None:
    customers = {c.slug: c.customer for c in documents.case_studies}
    assert customers == {"initech": "Initech", "zeta": "Customer 1", "nobody": None}
    zeta = documents.case_studies[0]
    assert zeta.body_html == "<p>Zeta story <strong>body</strong>.</p>"
    assert zeta.date == datetime.date(2026, 3, 27)


# --- URLs ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def weekly(tmp_path_factory: pytest.TempPathFactory) -> Analysis:
    """Four full weeks (the calls milestone is reached), a short one (it slips), a gap,
    and a full week; one paying customer in the first week."""
    log = spread([w(10), w(11), w(12), w(13)], 5)
    log.calls(w(14), 2).calls(w(16), 5)
    log.paying("initech", day(w(10), 2))
    root = tmp_path_factory.mktemp("weekly")
    write_content(root, config=config(accounts={"initech": {"name": "Initech", "public": True}}),
                  weeks=log.weeks())
    analysis = analyse(root)
    assert not any(p.is_error for p in analysis.problems), analysis.problems
    return analysis


@pytest.mark.parametrize(("base_url", "base", "path"), [
    ("https://example.org/sub/path", "https://example.org/sub/path/", "/sub/path/"),
    ("https://example.org/sub/path/", "https://example.org/sub/path/", "/sub/path/"),
    ("https://example.org", "https://example.org/", "/"),
    (None, "https://acme.github.io/progress/", "/progress/"),  # site.url from the config
])
def test_urls_under_the_base_url(weekly: Analysis, base_url: str | None, base: str,
                                 path: str) -> None:
    site = view(weekly, base_url)
    assert (site.base_url, site.base_path) == (base, path)
    assert site.url() == path
    assert site.url("weeks/") == site.url("/weeks/") == f"{path}weeks/"
    assert site.absolute("feed.xml") == site.absolute("/feed.xml") == f"{base}feed.xml"
    assert site.full(site.url("weeks/2026-W10/")) == f"{base}weeks/2026-W10/"
    assert site.full(site.url()) == base


def test_every_url_in_the_view_is_under_the_base_path(weekly: Analysis) -> None:
    site = view(weekly, "https://example.org/sub/path/")
    urls = [m.url for m in site.milestones] + [m.badge_json for m in site.milestones]
    urls += [m.badge_svg for m in site.milestones] + [e.url for e in site.events]
    urls += [wk.url for wk in site.weeks]
    urls += [link.url for wk in site.weeks for link in (wk.previous, wk.next) if link]
    assert urls and all(url.startswith("/sub/path/") for url in urls)
    calls = next(m for m in site.milestones if m.id == "weekly-sales-calls")
    assert calls.url == "/sub/path/milestones/weekly-sales-calls/"
    assert calls.badge_json == "/sub/path/milestones/weekly-sales-calls/badge.json"
    assert calls.badge_svg == "/sub/path/milestones/weekly-sales-calls/badge.svg"


# --- the goal, weeks and events --------------------------------------------------------------


def test_the_goal_is_the_current_goal_s_milestone_view(weekly: Analysis) -> None:
    site = view(weekly)
    assert weekly.progress is not None and weekly.progress.current_goal is not None
    assert site.goal is not None
    assert site.goal.id == weekly.progress.current_goal.milestone.id == "weekly-sales-calls"
    assert site.goal in site.milestones
    assert site.progress.current_goal is not None
    assert site.progress.current_goal.id == site.goal.id
    assert site.goal.status == "slipped" and site.goal.status_label
    assert site.goal.definition == ("weeks in a row with enough sales calls ≥ 4 "
                                    "(5+ counted calls a week)",)


def test_no_goal_when_every_milestone_is_achieved(tmp_path: Path) -> None:
    custom = [{"id": "mini", "title": "Mini", "milestones": [
        {"id": "one-customer", "title": "One customer",
         "conditions": [{"metric": "paying_customers", "at_least": 1}]}]}]
    site = view(analysed(tmp_path, Log().paying("initech", day(w(10))), ladders=["mini"],
                         custom_ladders=custom))
    assert [m.status for m in site.milestones] == ["achieved"]
    assert site.goal is None


def test_weeks_are_newest_first_with_previous_and_next_links(weekly: Analysis) -> None:
    site = view(weekly)
    assert [wk.label for wk in site.weeks] == ["2026-W16", "2026-W14", "2026-W13", "2026-W12",
                                               "2026-W11", "2026-W10"]
    links = {wk.label: (wk.previous and wk.previous.label, wk.next and wk.next.label)
             for wk in site.weeks}
    assert links == {  # logged weeks only: the gap (W15) is skipped
        "2026-W10": (None, "2026-W11"), "2026-W11": ("2026-W10", "2026-W12"),
        "2026-W12": ("2026-W11", "2026-W13"), "2026-W13": ("2026-W12", "2026-W14"),
        "2026-W14": ("2026-W13", "2026-W16"), "2026-W16": ("2026-W14", None)}
    by_label = {wk.label: wk for wk in site.weeks}
    assert by_label["2026-W14"].next is not None
    assert by_label["2026-W14"].next.url == by_label["2026-W16"].url == "/progress/weeks/2026-W16/"


def test_a_week_view_carries_its_dates_text_and_numbers(weekly: Analysis) -> None:
    week = next(wk for wk in view(weekly).weeks if wk.label == "2026-W14")
    assert week.title == "Week 14, 2026"
    assert (week.monday, week.sunday) == (datetime.date(2026, 3, 30), datetime.date(2026, 4, 5))
    assert week.summary_html == "<p>Week 2026-W14.</p>" and week.summary_text == "Week 2026-W14."
    assert (week.stats.week, week.stats.sales_calls, week.stats.paying_customers) == (
        "2026-W14", 2, 1)


def test_milestone_transitions_are_attached_to_the_week_of_their_date(weekly: Analysis) -> None:
    site = view(weekly)
    on_weeks = {wk.label: [(e.milestone_id, e.status, e.date) for e in wk.events]
                for wk in site.weeks}
    assert on_weeks == {
        "2026-W10": [("first-paying-customer", "achieved", datetime.date(2026, 3, 3))],
        "2026-W11": [], "2026-W12": [],
        "2026-W13": [("weekly-sales-calls", "achieved", datetime.date(2026, 3, 27))],
        "2026-W14": [("weekly-sales-calls", "slipped", datetime.date(2026, 4, 5))],
        "2026-W16": [],
    }
    for wk in site.weeks:
        assert all(wk.monday <= e.date <= wk.sunday for e in wk.events)


def test_events_are_every_transition_newest_first(weekly: Analysis) -> None:
    site = view(weekly)
    assert [(e.date.isoformat(), e.status, e.milestone_id) for e in site.events] == [
        ("2026-04-05", "slipped", "weekly-sales-calls"),
        ("2026-03-27", "achieved", "weekly-sales-calls"),
        ("2026-03-03", "achieved", "first-paying-customer"),
    ]
    calls = next(m for m in site.milestones if m.id == "weekly-sales-calls")
    assert [e.status for e in calls.history] == ["achieved", "slipped"]
    assert calls.last_change == datetime.date(2026, 4, 5)
    assert calls.achieved_on == datetime.date(2026, 3, 27)


def test_ladders_count_their_achieved_milestones(weekly: Analysis) -> None:
    site = view(weekly)
    (ladder,) = site.ladders
    assert ladder.id == "zero-to-one"
    assert [m.number for m in ladder.milestones] == list(range(1, 9))
    assert ladder.achieved == 1  # first paying customer; the calls milestone slipped
    assert site.milestones == ladder.milestones


def test_charts_come_with_the_view(weekly: Analysis) -> None:
    site = view(weekly)
    assert [c.id for c in site.charts] == ["chart-calls", "chart-customers", "chart-close-rate"]
    assert site.charts[0].headers[-1] == "5+ calls"  # the target of the calls milestone


# --- the week in progress, each condition's progress, details --------------------------------


def in_progress_log() -> Log:
    """Three full weeks, then two calls by Tuesday of 2026-W13: the latest day the log
    mentions (the default as-of) is that Tuesday, so W13 is the week in progress."""
    return spread([w(10), w(11), w(12)], 5).calls(w(13), 2)


@pytest.fixture(scope="module")
def so_far(tmp_path_factory: pytest.TempPathFactory) -> SiteView:
    return view(analysed(tmp_path_factory.mktemp("so-far"), in_progress_log()))


def rendered(site: SiteView) -> dict[str, str]:
    problems = Problems()
    files = render_site(site, problems)
    assert files is not None and not list(problems), problems
    return {path: data.decode("utf-8") for path, data in files.items() if path.endswith(".html")}


def test_the_week_in_progress_is_marked_in_the_view(so_far: SiteView) -> None:
    assert so_far.as_of == day(w(13), 2)
    assert so_far.week_in_progress == "2026-W13" and so_far.latest_week == "2026-W13"
    flags = {wk.label: wk.in_progress for wk in so_far.weeks}
    assert flags == {"2026-W13": True, "2026-W12": False, "2026-W11": False, "2026-W10": False}
    current = so_far.weeks[0]
    assert (current.stats.sales_calls, current.stats.in_progress) == (2, True)
    assert so_far.progress.week_in_progress == "2026-W13"


def test_the_goal_says_this_week_s_calls_so_far(so_far: SiteView) -> None:
    goal = so_far.goal
    assert goal is not None and goal.id == "weekly-sales-calls"
    assert goal.details == ("sales calls this week: 2 of 5 so far",)
    (streak,) = goal.measures
    # Three weeks in a row, and two of the five calls of the next: (3 + 2/5) / 4.
    assert (streak.met, streak.percent) == (False, 85)
    assert goal.percent == 85


def test_details_not_worth_a_line_are_left_out(so_far: SiteView) -> None:
    by_id = {m.id: m for m in so_far.milestones}
    # No stale lead, no unrated customer: counted (0), not shown.
    assert by_id["close-rate"].details == () and by_id["hell-yes-rate"].details == ()
    assert by_id["weekly-sales-calls"].details != ()


def test_a_stale_lead_is_a_detail_of_the_close_rate(tmp_path: Path) -> None:
    log = Log().qualified("globex", day(w(10), 1)).calls(w(24), 1)  # open for 100+ days
    site = view(analysed(tmp_path, log))
    close = next(m for m in site.milestones if m.id == "close-rate")
    assert close.details == ("stale qualified leads (open 90+ days, counted as lost): 1",)


def test_each_measure_carries_its_own_progress(so_far: SiteView) -> None:
    close = next(m for m in so_far.milestones if m.id == "close-rate")
    assert [(x.text, x.percent) for x in close.measures] == [
        ("decided qualified leads: 0 of 31", 0), ("close rate: n/a (needs 30%)", 0)]


def money_log(amount: int = 4321) -> Log:
    log = in_progress_log().deal("acme", day(w(10), 1), "won", day(w(10), 2))
    return log.event("acme", "paid", day(w(10), 2), amount=amount, interval="month")


MRR_LADDER = [{"id": "revenue", "title": "Revenue", "milestones": [
    {"id": "ten-k-mrr", "title": "10k MRR", "conditions": [
        {"metric": "mrr", "at_least": 10000},
        {"metric": "paying_customers", "at_least": 2}]}]}]


@pytest.mark.parametrize("show_revenue", [False, True])
def test_progress_toward_an_amount_is_shown_only_with_show_revenue(tmp_path: Path,
                                                                   show_revenue: bool) -> None:
    site = view(analysed(tmp_path, money_log(), ladders=["zero-to-one", "revenue"],
                         custom_ladders=MRR_LADDER, privacy={"show_revenue": show_revenue}))
    revenue = next(m for m in site.milestones if m.id == "ten-k-mrr")
    mrr, paying = revenue.measures
    assert paying.percent == 50  # a count: its progress is public either way
    if show_revenue:
        assert (mrr.text, mrr.percent) == ("monthly recurring revenue: 4321 of 10000", 43)
        assert revenue.percent == 46  # the mean of 43.21% and 50%
        assert not revenue.progress_private
    else:
        assert (mrr.text, mrr.percent) == (
            "monthly recurring revenue: not met (amounts are private)", None)
        # Blind: the amount counts only as met or not (here not), so the mean of 0% and
        # 50% reveals nothing of it; the page still says the progress is private.
        assert revenue.percent == 25
        assert revenue.progress_private and revenue.status == "in_progress"
        pages = rendered(site)
        page = pages["milestones/ten-k-mrr/index.html"]
        assert "Progress not shown (amounts are private)" in page and "<meter" not in page
        assert not any("43%" in html or "46%" in html for html in pages.values())
        assert "0.4321" not in repr(site)


@pytest.mark.parametrize(("share", "shown"), [
    (0.0, 0), (0.29, 29), (0.57, 57), (0.8667, 86), (0.999, 99), (0.99999, 99), (1.0, 100),
])
def test_percentages_are_floored_and_never_read_100_short_of_done(share: float,
                                                                  shown: int) -> None:
    assert percent(share) == shown


def test_pages_say_the_week_is_in_progress(so_far: SiteView) -> None:
    pages = rendered(so_far)
    week = pages["weeks/2026-W13/index.html"]
    assert ("Week in progress:</strong> numbers so far, as of "
            '<time datetime="2026-03-24">24 Mar 2026</time>') in week
    assert "More numbers so far" in week
    assert "Week in progress" not in pages["weeks/2026-W12/index.html"]
    home = pages["index.html"]
    goal = home[home.index('<div class="goal'):home.index("</section>")]
    assert "sales calls this week: 2 of 5 so far" in goal
    assert "(2026-W13, week in progress)" in home
    assert "2 sales calls so far" in home and "2 sales calls so far" in pages["weeks/index.html"]
    assert 'class="bar bar-partial"' in home
    numbers = pages["numbers/index.html"]
    assert '<a href="/progress/weeks/2026-W13/">2026-W13</a> (so far)</th>' in numbers
    assert numbers.count("(so far)") == 1
    milestone = pages["milestones/weekly-sales-calls/index.html"]
    assert "<li class=\"aside\">sales calls this week: 2 of 5 so far</li>" in milestone
    assert '<span class="measure-progress">— 85% of the way</span>' in milestone
    # Every ladder row shows its details under its evidence, on the milestones page too.
    assert "sales calls this week: 2 of 5 so far" in pages["milestones/index.html"]


def test_an_ended_week_is_not_in_progress(tmp_path: Path) -> None:
    log = in_progress_log()
    site = view(analysed_as_of(tmp_path, log, sunday(w(13))))
    assert site.week_in_progress is None
    assert not any(wk.in_progress for wk in site.weeks)
    goal = site.goal
    assert goal is not None and goal.status == "not_started" and goal.details == ()
    pages = rendered(site)
    markers = ("(so far)", "calls so far", "numbers so far", "in progress</span>",
               "week in progress", "Week in progress", "bar-partial")
    assert [(path, m) for path, html in pages.items() for m in markers if m in html] == []
    assert "(2026-W13)" in pages["index.html"]


def test_numbers_link_only_weeks_that_have_a_page(weekly: Analysis) -> None:
    numbers = rendered(view(weekly))["numbers/index.html"]
    assert "<th scope=\"row\">2026-W15</th>" in numbers  # a week without a file
    assert '<a href="/progress/weeks/2026-W14/">2026-W14</a>' in numbers


# --- the numbers lead (issue 11 §2) ---------------------------------------------------------

def _evidence_html(started: bool) -> str:
    from generator.render.pages import default_theme_dir, environment
    from generator.render.site import MeasureView

    env = environment([default_theme_dir()])
    macros = env.get_template("macros.html").module
    met = MeasureView("paying customers: 2 (target 1)", "paying customers",
                      "2\u00a0(target\u00a01)", True, 100)
    return str(macros.evidence((met,), started=started))  # type: ignore[attr-defined]


def test_a_milestone_not_started_shows_no_tick() -> None:
    assert 'class="met"' in _evidence_html(started=True)
    html = _evidence_html(started=False)
    assert 'class="met"' not in html and 'class="pending"' in html
    assert "So far:" in html and "Met:" not in html


def test_figures_carry_their_change_since_the_week_before(so_far: SiteView) -> None:
    home = {f.label: f for f in so_far.figures}
    assert list(home) == ["Paying customers", "Hell-yes customers", "Close rate",
                          "Sales calls this week"]
    calls = home["Sales calls this week"]
    assert (calls.value, calls.note, calls.change) == ("2", "so far", None)  # half a week
    week = next(w for w in so_far.weeks if w.label == "2026-W12")
    by_label = {f.label: f for f in week.figures}
    assert by_label["Sales calls"].value == "5" and by_label["Sales calls"].change == "±0"
    assert by_label["Sales calls"].change_text == "no change since the week before"
    first = next(w for w in so_far.weeks if w.label == "2026-W10")
    assert all(f.change is None for f in first.figures)  # no week before it


def test_changes_read_up_and_down_with_units() -> None:
    from generator.render.site import _change

    assert _change(5, 3) == ("▲2", "up", "up 2 since the week before")
    assert _change(0.25, 0.3, "pts", 100) == ("▼5\u00a0pts", "down",
                                              "down 5 pts since the week before")
    assert _change(None, 3) == (None, "flat", None)


def test_a_case_study_links_its_tags_weeks_and_milestones() -> None:
    """Issue 11 §4: a case study links to the weekly updates with an event of its customer
    and the milestones reached in those weeks; its tags link to their list."""
    from conftest import DEMO

    site = public_view(analyse(DEMO))
    study = next(s for s in site.case_studies if s.slug == "pinecrest-logistics")
    assert [w.label for w in study.weeks] == ["2026-W18", "2026-W22", "2026-W28", "2026-W45"]
    assert all(w.url.endswith(f"/weeks/{w.label}/") for w in study.weeks)
    assert [m.label for m in study.milestones] == ["First paying customer"]
    assert study.tag_links and all(
        t.url.startswith(site.url("case-studies/") + "#tag-") for t in study.tag_links)
    anchors = {tag.anchor: tag for tag in site.tags}
    for link in study.tag_links:
        listed = anchors[link.url.split("#")[1]]
        assert any(s.url == study.url for s in listed.studies)


def test_tags_that_differ_in_case_share_one_list() -> None:
    from generator.render.site import tag_anchor

    assert tag_anchor("Cold email") == tag_anchor("cold  EMAIL") == "tag-cold-email"
    assert tag_anchor("€€") == "tag-x"  # an id is never empty
