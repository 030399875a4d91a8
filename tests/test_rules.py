"""Validation rules (SPEC §2–3): each with its exact file:line:col, and no private value
ever in a message, whatever the output format."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import run_traction

from generator import rules
from generator.pipeline import analyse
from generator.problems import Problem, Problems, format_github, format_json, format_text
from generator.source.loader import load

Content = Callable[..., Path]

CONFIG = """\
site: {title: Acme, url: "https://acme.github.io/progress/"}
company: {name: Acme}
founders: [dana, lee]
sources:
  cold-email: {scalable: true, max_cac: 3000}
  founder-network: {}
"""


def report(root: Path, fast: bool = True) -> list[str]:
    """`traction check` lines without hints: `file:line:col: severity: message`."""
    return [line for line in format_text(list(analyse(root, fast_yaml=fast).problems))
            .splitlines() if not line.startswith("  hint: ")]


def with_hints(root: Path) -> list[str]:
    return format_text(list(analyse(root).problems)).splitlines()


def rule_problems(rule: rules.Rule, root: Path) -> list[Problem]:
    problems = Problems()
    content = load(root, problems)
    assert content.config is not None and not list(problems), problems
    rule(content.config, content, problems)
    return list(problems)


def week(label: str, body: str) -> str:
    return f"week: {label}\n{body}"


# --- account lifecycle ------------------------------------------------------------------

def test_event_after_churned_is_an_error_but_paid_reactivates(content: Content) -> None:
    root = content(config=CONFIG, weeks={"2026-W47": week("2026-W47", """\
accounts:
  - {id: acme, event: qualified, date: 2026-11-16}
  - {id: acme, event: won, date: 2026-11-16}
  - {id: acme, event: paid, date: 2026-11-17, amount: 100, interval: month}
  - {id: acme, event: churned, date: 2026-11-18}
  - {id: acme, event: hell-yes, date: 2026-11-19}
  - {id: acme, event: paid, date: 2026-11-20}
  - {id: acme, event: renewed, date: 2026-11-21}
  - {id: acme, event: meh, date: 2026-11-22}
""")})
    assert with_hints(root) == [
        "weeks/2026-W47.yaml:7:23: error: account Customer 1: 'hell-yes' after it churned on "
        "2026-11-18",
        "  hint: only a new 'paid' event re-activates an account",
    ]


def test_churn_across_weeks_is_followed_in_date_order(content: Content) -> None:
    # Files are read in week order, events in date order: the churn in W46 comes first.
    root = content(config=CONFIG, weeks={
        "2026-W47": week("2026-W47", "accounts:\n  - {id: acme, event: renewed, "
                                     "date: 2026-11-17}\n"),
        "2026-W46": week("2026-W46", "accounts:\n"
                                     "  - {id: acme, event: paid, date: 2026-11-09}\n"
                                     "  - {id: acme, event: churned, date: 2026-11-10}\n"),
    })
    assert report(root) == [
        "weeks/2026-W47.yaml:3:23: error: account Customer 1: 'renewed' after it churned on "
        "2026-11-10"]


def test_won_or_lost_without_qualified(content: Content) -> None:
    root = content(config=CONFIG, weeks={"2026-W47": week("2026-W47", """\
accounts:
  - {id: globex, event: won, date: 2026-11-17}
  - {id: hooli, event: lost, date: 2026-11-17}
  - {id: initech, event: won, date: 2026-11-16}
  - {id: initech, event: qualified, date: 2026-11-17}
""")})
    assert with_hints(root) == [
        "weeks/2026-W47.yaml:3:25: error: account Customer 2: 'won' without 'qualified' before it",
        "  hint: add a qualified event for this account on or before 2026-11-17",
        "weeks/2026-W47.yaml:4:24: error: account Customer 3: 'lost' without 'qualified' before it",
        "  hint: add a qualified event for this account on or before 2026-11-17",
        "weeks/2026-W47.yaml:5:26: error: account Customer 1: 'won' without 'qualified' before it",
        "  hint: add a qualified event for this account on or before 2026-11-16",
        "weeks/2026-W47.yaml:6:26: error: account Customer 1: 'qualified' after its first "
        "event ('won' on 2026-11-16)",
        "  hint: an account's first event fixes whether founders or reps own it; move "
        "'qualified' on or before 2026-11-16, or use a new id",
    ]


def test_same_day_events_apply_in_the_order_written(content: Content) -> None:
    in_order = """\
accounts:
  - {id: globex, event: qualified, date: 2026-11-17}
  - {id: globex, event: won, date: 2026-11-17}
  - {id: globex, event: paid, date: 2026-11-17}
  - {id: globex, event: hell-yes, date: 2026-11-17}
"""
    root = content(config=CONFIG, weeks={"2026-W47": week("2026-W47", in_order)})
    assert report(root) == []
    reversed_ = "accounts:\n" + "".join(reversed(in_order.splitlines(keepends=True)[1:]))
    root = content(config=CONFIG, weeks={"2026-W47": week("2026-W47", reversed_)})
    assert report(root) == [
        "weeks/2026-W47.yaml:3:25: error: account Customer 1: 'hell-yes' before it paid",
        "weeks/2026-W47.yaml:5:25: error: account Customer 1: 'won' without 'qualified' before it",
        "weeks/2026-W47.yaml:6:25: error: account Customer 1: 'qualified' after its first event "
        "('hell-yes' on 2026-11-17)",
    ]


def test_an_earlier_weeks_file_comes_first_on_the_same_day(content: Content) -> None:
    """A late entry in W48's file for a day of W47 comes after W47's own entries that day."""
    root = content(config=CONFIG, weeks={
        "2026-W47": week("2026-W47", "accounts:\n"
                         "  - {id: globex, event: qualified, date: 2026-11-22}\n"),
        "2026-W48": week("2026-W48", "accounts:\n"
                         "  - {id: globex, event: won, date: 2026-11-22}\n"),
    })
    assert [line for line in report(root) if "error" in line] == []


def test_a_scalable_source_needs_max_cac(content: Content) -> None:
    root = content(config=CONFIG.replace("sources:\n", "sources:\n  ads: {scalable: true}\n"))
    assert [line for line in with_hints(root) if "max_cac" in line] == [
        "traction.yaml:5:3: error: scalable source 'ads' has no max_cac",
        "  hint: a scalable source must pay off: add the highest spend per win you accept, "
        "e.g. ads: {scalable: true, max_cac: 3000}",
    ]


def test_both_won_and_lost(content: Content) -> None:
    root = content(config=CONFIG, weeks={"2026-W47": week("2026-W47", """\
accounts:
  - {id: globex, event: qualified, date: 2026-11-16}
  - {id: globex, event: won, date: 2026-11-17}
  - {id: globex, event: lost, date: 2026-11-18}
""")})
    assert with_hints(root) == [
        "weeks/2026-W47.yaml:5:25: error: account Customer 1 is both won and lost",
        "  hint: keep the one that happened",
    ]


def test_duplicate_qualified_won_and_lost(content: Content) -> None:
    root = content(config=CONFIG, weeks={"2026-W47": week("2026-W47", """\
accounts:
  - {id: globex, event: qualified, date: 2026-11-16}
  - {id: globex, event: qualified, date: 2026-11-17}
  - {id: hooli, event: qualified, date: 2026-11-16}
  - {id: hooli, event: lost, date: 2026-11-17}
  - {id: hooli, event: lost, date: 2026-11-18}
""")})
    assert with_hints(root) == [
        "weeks/2026-W47.yaml:4:25: error: account Customer 1 is already qualified (on 2026-11-16)",
        "  hint: an account goes through qualified, won or lost once; use a new id for a new deal",
        "weeks/2026-W47.yaml:7:24: error: account Customer 2 is already lost (on 2026-11-17)",
        "  hint: an account goes through qualified, won or lost once; use a new id for a new deal",
    ]


@pytest.mark.parametrize("event", ["hell-yes", "meh", "renewed", "churned"])
def test_sentiment_and_churn_before_paid(content: Content, event: str) -> None:
    root = content(config=CONFIG, weeks={"2026-W47": week("2026-W47", f"""\
accounts:
  - {{id: globex, event: {event}, date: 2026-11-17}}
  - {{id: globex, event: paid, date: 2026-11-18}}
""")})
    assert with_hints(root) == [
        f"weeks/2026-W47.yaml:3:25: error: account Customer 1: '{event}' before it paid",
        "  hint: add the paid event on or before 2026-11-17, or fix the date",
    ]


# --- dates and weeks --------------------------------------------------------------------

def test_entry_after_the_weeks_sunday_is_an_error(content: Content) -> None:
    root = content(config=CONFIG, weeks={"2026-W47": week("2026-W47", """\
calls:
  - date: 2026-11-22
  - date: 2026-11-23
accounts:
  - {id: globex, event: qualified, date: 2026-12-01}
list:
  events:
    - {date: 2027-01-04, type: question}
""")})
    assert with_hints(root) == [
        "weeks/2026-W47.yaml:4:11: error: call dated 2026-11-23 is after the end of 2026-W47 "
        "(Sunday 2026-11-22)",
        "  hint: move it to weeks/2026-W48.yaml",
        "weeks/2026-W47.yaml:6:42: error: event dated 2026-12-01 is after the end of 2026-W47 "
        "(Sunday 2026-11-22)",
        "  hint: move it to weeks/2026-W49.yaml",
        "weeks/2026-W47.yaml:9:14: error: list event dated 2027-01-04 is after the end of "
        "2026-W47 (Sunday 2026-11-22)",
        "  hint: move it to weeks/2027-W01.yaml",
    ]


def test_entry_before_the_weeks_monday_is_a_late_entry_warning(content: Content) -> None:
    root = content(config=CONFIG, weeks={"2026-W47": week("2026-W47", """\
calls:
  - date: 2026-11-16
  - date: 2026-11-15
accounts:
  - {id: globex, event: qualified, date: 2026-10-01}
list:
  events:
    - {date: 2026-11-02, type: question}
""")})
    assert with_hints(root) == [
        "weeks/2026-W47.yaml:4:11: warning: late entry: call dated 2026-11-15 is before 2026-W47 "
        "(Monday 2026-11-16)",
        "  hint: fine if it was logged late; it counts on its own date",
        "weeks/2026-W47.yaml:6:42: warning: late entry: event dated 2026-10-01 is before "
        "2026-W47 (Monday 2026-11-16)",
        "  hint: fine if it was logged late; it counts on its own date",
        "weeks/2026-W47.yaml:9:14: warning: late entry: list event dated 2026-11-02 is before "
        "2026-W47 (Monday 2026-11-16)",
        "  hint: fine if it was logged late; it counts on its own date",
    ]
    assert analyse(root).ok  # warnings only


def test_an_entry_more_than_a_year_before_its_week_is_an_error(content: Content) -> None:
    root = content(config=CONFIG, weeks={"2026-W47": week("2026-W47", """\
calls:
  - date: 2025-11-15
  - date: 2025-11-14
""")})
    assert with_hints(root) == [
        "weeks/2026-W47.yaml:4:11: error: call dated 2025-11-14 is more than a year before "
        "2026-W47",
        "  hint: a typo in the year? Older entries belong in their own week's file",
        "weeks/2026-W47.yaml:3:11: warning: late entry: call dated 2025-11-15 is before 2026-W47 "
        "(Monday 2026-11-16)",
        "  hint: fine if it was logged late; it counts on its own date",
    ]


def test_an_unreadable_week_does_not_cascade_into_other_files(content: Content) -> None:
    """W46 has an error, so its `paid` event is unknown: W47's hell-yes is not reported as
    coming before payment, and W46 is not reported missing. Fixing W46 checks them again."""
    paid = "accounts:\n  - {id: acme, event: won, date: 2026-11-10}\n" \
           "  - {id: acme, event: paid, date: 2026-11-11}\n"
    root = content(config=CONFIG, weeks={
        "2026-W45": week("2026-W45", "accounts:\n  - {id: acme, event: qualified, "
                                     "date: 2026-11-03}\n"),
        "2026-W46": week("2026-W46", "summary: no\n" + paid),
        "2026-W47": week("2026-W47", "accounts:\n  - {id: acme, event: hell-yes, "
                                     "date: 2026-11-17}\n"),
    })
    assert [line for line in with_hints(root) if not line.startswith("  ")] == [
        "weeks/2026-W46.yaml:2:10: error: 'no' is a boolean in YAML 1.1, expected text"]
    (root / "weeks" / "2026-W46.yaml").write_text(week("2026-W46", paid), "utf-8")
    assert with_hints(root) == []


def test_missing_weeks_are_warnings_at_the_next_log(content: Content) -> None:
    root = content(config=CONFIG, weeks={
        "2026-W40": "summary: first\nweek: 2026-W40\n",
        "2026-W42": "summary: gap of one\nweek: 2026-W42\n",
        "2026-W43": "week: 2026-W43\n",
        "2026-W47": "# after a gap of three\nweek: 2026-W47\n",
    })
    assert with_hints(root) == [
        "weeks/2026-W42.yaml:2:7: warning: no log for 2026-W41; counted as no activity",
        "  hint: add the missing weeks with `traction new week --week ...`",
        "weeks/2026-W47.yaml:2:7: warning: no log for 2026-W44 to 2026-W46; counted as no "
        "activity",
        "  hint: add the missing weeks with `traction new week --week ...`",
    ]


def test_missing_weeks_across_a_53_week_year(content: Content) -> None:
    # 2026 has an ISO week 53, so W52 → 2027-W02 misses two weeks, not one.
    root = content(config=CONFIG, weeks={"2026-W52": "week: 2026-W52\n",
                                         "2027-W02": "week: 2027-W02\n"})
    assert report(root) == [
        "weeks/2027-W02.yaml:1:7: warning: no log for 2026-W53 to 2027-W01; counted as no "
        "activity"]


def test_consecutive_weeks_across_new_year_are_not_missing(content: Content) -> None:
    root = content(config=CONFIG, weeks={"2025-W52": "week: 2025-W52\n",
                                         "2026-W01": "week: 2026-W01\n"})
    assert report(root) == []


# --- sources ----------------------------------------------------------------------------

def test_undeclared_sources_are_warnings_with_did_you_mean(content: Content) -> None:
    root = content(config=CONFIG, weeks={"2026-W47": week("2026-W47", """\
accounts:
  - {id: globex, event: qualified, date: 2026-11-17, source: cold-emial}
  - {id: hooli, event: qualified, date: 2026-11-17, source: linkedin}
  - {id: initech, event: qualified, date: 2026-11-17, source: cold-email}
spend:
  - {source: founder-netwrk, amount: 0}
  - {source: cold-email, amount: 300}
""")})
    assert with_hints(root) == [
        "weeks/2026-W47.yaml:3:62: warning: source 'cold-emial' is not declared in traction.yaml",
        "  hint: did you mean 'cold-email'?",
        "weeks/2026-W47.yaml:4:61: warning: source 'linkedin' is not declared in traction.yaml",
        "  hint: add `linkedin: {}` under `sources:`",
        "weeks/2026-W47.yaml:7:14: warning: source 'founder-netwrk' is not declared in "
        "traction.yaml",
        "  hint: did you mean 'founder-network'?",
    ]


def test_undeclared_owner_is_fine(content: Content) -> None:
    # SPEC §2: an owner not in `founders` is a rep, not a mistake.
    root = content(config=CONFIG, weeks={"2026-W47": week("2026-W47", """\
accounts:
  - {id: globex, event: qualified, date: 2026-11-17, source: cold-email, owner: sam}
""")})
    assert report(root) == []


# --- fields that do not apply -----------------------------------------------------------

def test_fields_that_do_not_apply_to_an_event(content: Content) -> None:
    root = content(config=CONFIG, weeks={"2026-W47": week("2026-W47", """\
accounts:
  - {id: a, event: qualified, date: 2026-11-16, amount: 5, interval: month}
  - {id: a, event: won, date: 2026-11-17, source: cold-email, owner: dana}
  - {id: a, event: paid, date: 2026-11-17, amount: 100, interval: year, source: cold-email}
list:
  events:
    - {date: 2026-11-18, type: question, price: 5, product: Guide, spontaneous: false}
    - {date: 2026-11-18, type: sale, price: 49, product: Guide}
    - {date: 2026-11-18, type: inquiry, spontaneous: false}
""")})
    assert with_hints(root) == [
        "weeks/2026-W47.yaml:3:57: error: 'amount' applies only to paid events, not 'qualified'",
        "  hint: move it to the matching event or remove it",
        "weeks/2026-W47.yaml:3:70: error: 'interval' applies only to paid events, not "
        "'qualified'",
        "  hint: move it to the matching event or remove it",
        "weeks/2026-W47.yaml:4:51: error: 'source' applies only to qualified events, not 'won'",
        "  hint: move it to the matching event or remove it",
        "weeks/2026-W47.yaml:4:70: error: 'owner' applies only to qualified events, not 'won'",
        "  hint: move it to the matching event or remove it",
        "weeks/2026-W47.yaml:5:81: error: 'source' applies only to qualified events, not 'paid'",
        "  hint: move it to the matching event or remove it",
        "weeks/2026-W47.yaml:8:49: error: 'price' applies only to sale signals",
        "  hint: remove it, or make this a `type: sale` signal",
        "weeks/2026-W47.yaml:8:61: error: 'product' applies only to sale signals",
        "  hint: remove it, or make this a `type: sale` signal",
        "weeks/2026-W47.yaml:8:81: error: 'spontaneous' applies only to inquiries",
        "  hint: remove it, or make this a `type: inquiry` signal",
    ]


# --- traction.yaml and documents --------------------------------------------------------

def test_empty_founders_is_an_error(content: Content) -> None:
    root = content(config=CONFIG.replace("founders: [dana, lee]", "founders: []"))
    assert with_hints(root) == [
        "traction.yaml:3:11: error: `founders` is empty",
        "  hint: list at least one founder id, e.g. founders: [dana]",
    ]


def test_founders_default_is_not_empty(content: Content) -> None:
    root = content(config=CONFIG.replace("founders: [dana, lee]\n", ""))
    assert report(root) == []


def test_slugs_that_differ_only_in_case_collide(content: Content) -> None:
    root = content(config=CONFIG,
                   case_studies={"Acme": "---\ntitle: Acme (1)\n---\n",
                                 "acme": "---\ntitle: Acme (2)\n---\n",
                                 "other": "---\ntitle: Other\n---\n"},
                   pages={"About": "---\ntitle: About\n---\n",
                          "about": "---\n\ntitle: about\n---\n"})  # mapping on line 3
    study_files = sorted(p.name for p in (root / "case-studies").iterdir())
    assert study_files == ["Acme.md", "acme.md", "other.md"]  # a case-sensitive filesystem
    assert with_hints(root) == [
        "case-studies/acme.md:2:1: error: slug 'acme' collides with 'Acme'",
        "  hint: slugs are compared without case; rename one of the files",
        "pages/about.md:3:1: error: slug 'about' collides with 'About'",
        "  hint: slugs are compared without case; rename one of the files",
    ]


def test_case_study_customer_must_be_a_known_account(content: Content) -> None:
    root = content(
        config=CONFIG + "accounts:\n  initech: {name: Initech, public: true}\n",
        weeks={"2026-W47": week("2026-W47", "accounts:\n  - {id: globex, event: qualified, "
                                            "date: 2026-11-17, source: cold-email}\n")},
        case_studies={
            "initech": "---\ntitle: Initech\ncustomer: initech\n---\n",
            "the-deal": "---\ntitle: A deal\ncustomer: globex\n---\n",
            "typo": "---\ntitle: Typo\ncustomer: globx\n---\n",
            "stranger": "---\ntitle: Stranger\ncustomer: umbrella\n---\n",
        })
    assert with_hints(root) == [
        "case-studies/stranger.md:3:11: warning: customer is not a known account",
        "  hint: use the id of an account in the weekly logs",
        "case-studies/typo.md:3:11: warning: customer is not a known account",
        "  hint: did you mean the account at weeks/2026-W47.yaml:3:10? (it is not public, so "
        "its id is not repeated)",
    ]


# --- mistyped account ids ---------------------------------------------------------------

GLOBEX_HISTORY = """\
accounts:
  - {id: globex, event: qualified, date: 2026-11-16, source: cold-email}
  - {id: globex, event: won, date: 2026-11-17}
"""
PUBLIC_GLOBEX = CONFIG + "accounts:\n  globex: {name: Globex, public: true}\n"


def test_a_lone_id_close_to_a_public_one_is_a_warning_with_did_you_mean(content: Content
                                                                         ) -> None:
    root = content(config=PUBLIC_GLOBEX, weeks={"2026-W47": week("2026-W47", GLOBEX_HISTORY + """\
  - {id: globx, event: paid, date: 2026-11-18, amount: 500, interval: month}
""")})
    assert with_hints(root) == [
        "weeks/2026-W47.yaml:5:10: warning: this account id appears nowhere else and is close "
        "to 'globex': a typo starts a new account ('paid' would not count for the one you "
        "meant)",
        "  hint: did you mean 'globex'? If it is a new account, declare it under `accounts:` "
        "in traction.yaml",
    ]


def test_a_lone_id_close_to_a_private_one_never_names_either(content: Content) -> None:
    # Canaries: neither the private id nor its typo may appear in any output.
    secret = "zqvortexa"
    root = content(config=CONFIG, weeks={"2026-W47": week("2026-W47", f"""\
accounts:
  - {{id: {secret}, event: qualified, date: 2026-11-16}}
  - {{id: {secret}, event: won, date: 2026-11-17}}
  - {{id: {secret[:-1]}, event: paid, date: 2026-11-18}}
""")})
    problems = list(analyse(root).problems)
    assert [(str(p.pos), p.severity) for p in problems] == [("weeks/2026-W47.yaml:5:10",
                                                             "warning")]
    assert problems[0].message.endswith("close to another account's id (not shown: the "
                                        "account is not public): a typo starts a new account "
                                        "('paid' would not count for the one you meant)")
    assert problems[0].hint is not None and problems[0].hint.startswith(
        "did you mean Customer 1, first logged at weeks/2026-W47.yaml:3:10?")
    result = run_traction("check", "--content", str(root), "--format", "json", "--strict")
    assert result.returncode == 1  # --strict: the warning is an error
    assert json.loads(result.stdout)["problems"][0]["severity"] == "error"
    for text in (format_text(problems), format_json(problems), format_github(problems),
                 result.stdout + result.stderr):
        assert secret[:-1] not in text, text


def test_ids_seen_twice_declared_or_unalike_are_not_suspects(content: Content) -> None:
    root = content(config=CONFIG + "accounts:\n  globx: {}\n", weeks={
        "2026-W47": week("2026-W47", GLOBEX_HISTORY + """\
  - {id: globx, event: paid, date: 2026-11-18}
  - {id: initech, event: paid, date: 2026-11-18}
  - {id: acne, event: paid, date: 2026-11-19}
  - {id: acme, event: paid, date: 2026-11-19}
  - {id: acme, event: hell-yes, date: 2026-11-20}
""")})
    assert rule_problems(rules.mistyped_account_ids, root) == []  # acne/acme: 0.75


def test_of_two_lone_ids_alike_only_the_later_is_suspect(content: Content) -> None:
    root = content(config=PUBLIC_GLOBEX.replace("globex:", "umbrella:"), weeks={
        "2026-W47": week("2026-W47", """\
accounts:
  - {id: globex, event: paid, date: 2026-11-16}
  - {id: globx, event: paid, date: 2026-11-18}
""")})
    assert [str(p.pos) for p in rule_problems(rules.mistyped_account_ids, root)] == [
        "weeks/2026-W47.yaml:4:10"]


# --- template text left in ------------------------------------------------------------------

def test_template_text_and_the_example_url_are_warnings(content: Content) -> None:
    root = content(config=CONFIG.replace("acme.github.io", "example.github.io").replace(
        "company: {name: Acme}", 'company: {name: Acme, tagline: "What you do, in one line"}'),
        weeks={"2026-W47": week("2026-W47", "summary: |\n  What happened, what we learned, "
                                "what's next.\n")},
        case_studies={"draft": "---\ntitle: TODO\ndraft: true\n---\n",
                      "shown": "---\ntitle: How a customer got to hell yes\n---\nTODO\n"})
    assert report(root) == [
        "case-studies/shown.md:2:8: warning: this is the template's example text; it would be "
        "published as is",
        "case-studies/shown.md:4:1: warning: this is the template's example text; it would be "
        "published as is",
        "traction.yaml:1:26: warning: site.url is still the example address; canonical links, "
        "the feed and the sitemap would point there",
        "traction.yaml:2:32: warning: this is the template's example text; it would be "
        "published as is",
        "weeks/2026-W47.yaml:2:10: warning: this is the template's example text; it would be "
        "published as is",
    ]  # the draft is never published: its TODO is fine


def test_every_placeholder_is_still_written_by_a_template() -> None:
    from generator.source.placeholders import PLACEHOLDER_TEXTS

    folder = Path(rules.__file__).parent / "tools" / "scaffold"
    templates = " ".join(path.read_text("utf-8") for path in folder.rglob("*") if path.is_file())
    assert all(text in templates.casefold() for text in PLACEHOLDER_TEXTS)
    assert "https://example.github.io/" in templates


def test_a_fresh_init_warns_about_what_is_left_to_fill_in(tmp_path: Path) -> None:
    assert run_traction("init", str(tmp_path / "repo")).returncode == 0
    result = run_traction("check", "--content", str(tmp_path / "repo" / "content"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "site.url is still the example address" in result.stdout
    assert "template's example text" in result.stdout


# --- rules are pure functions over records ----------------------------------------------

def test_every_rule_is_registered_and_runs_on_records_only(content: Content) -> None:
    names = {rule.__name__ for rule in rules.RULES}
    assert names == {"founders_listed", "event_fields", "dates_in_week", "assertions_given",
                     "lifecycle",
                     "sources_declared", "scalable_sources_priced", "log_span", "missing_weeks",
                     "private_names_in_public_fields", "mistyped_account_ids",
                     "placeholders_left", "documents"}
    root = content(config=CONFIG, weeks={"2026-W47": week("2026-W47", """\
accounts:
  - {id: globex, event: won, date: 2026-11-17}
""")})
    found = rule_problems(rules.lifecycle, root)
    assert [(str(p.pos), p.severity) for p in found] == [("weeks/2026-W47.yaml:3:25", "error")]
    assert rule_problems(rules.lifecycle, root) == found  # no hidden state between runs


def test_the_demo_passes_every_rule() -> None:
    demo = Path(__file__).resolve().parent.parent / "content"
    problems = Problems()
    content = load(demo, problems)
    assert content.config is not None
    rules.check(content.config, content, problems)
    assert list(problems) == []


# --- privacy: messages never carry private values ---------------------------------------

# Unique markers planted in every private field; none may appear in any output.
SECRETS = ("QZXW", "771", "9931")

PRIVATE_SCHEMA_ERRORS = week("2026-W45", """\
calls:
  - date: 2026-11-03
    with: [QZXW Jane Roe]
    notes: {QZXW notes: 1}
  - date: 2026-11-04
    with: QZXW Lee, Globex
    notes: Off
accounts:
  - {id: a1, event: paid, date: 2026-11-03, amount: 0077101, note: [QZXW note]}
  - {id: a2, event: paid, date: 2026-11-03, amount: 77102:30, note: yes}
  - {id: a3, event: paid, date: 2026-11-03, amount: "77103"}
  - {id: a4, event: paid, date: 2026-11-03, amount: 77104 EUR}
list:
  events:
    - {date: 2026-11-05, type: sale, price: 0077105, note: {QZXW: 1}}
    - {date: 2026-11-05, type: sale, price: 77.1.06}
spend:
  - {source: cold-email, amount: 9931.5.5}
""")

PRIVATE_COMMA = week("2026-W46", """\
calls:
  - {date: 2026-11-10, with: QZXW Jane Roe, QZXW Globex Inc, notes: fine}
""")

PRIVATE_RULE_ERRORS = week("2026-W47", """\
calls:
  - date: 2026-11-24
    with: QZXW Sam Lowe, Initech
    notes: "QZXW pricing 77107 per seat"
  - date: 2026-11-10
    with: QZXW Late Entry
accounts:
  - {id: b1, event: won, date: 2026-11-17, amount: 77108, note: QZXW won note}
  - {id: b2, event: hell-yes, date: 2026-11-17, note: QZXW loves it 77109}
  - {id: b3, event: qualified, date: 2026-11-17, amount: 77110, source: cold-emial}
  - {id: b4, event: paid, date: 2026-11-23, amount: 77111, note: QZXW 77112}
list:
  events:
    - {date: 2026-11-18, type: question, price: 77113, note: QZXW question note}
    - {date: 2026-11-30, type: sale, price: 77114, note: QZXW late sale}
spend:
  - {source: adwords, amount: 77115}
  - {source: cold-email, amount: 99310}
""")


# YAML-level traps stop a file at the first one: one file each.
PRIVATE_TAG = week("2026-W42", """\
calls:
  - {date: 2026-10-13, notes: !QZXW-said-budget-9931 x}
""")
PRIVATE_ANCHOR = week("2026-W43", """\
calls:
  - date: 2026-10-20
    with: &QZXW_Jane Jane
""")
PRIVATE_FLOW_KEY = week("2026-W44", """\
calls:
  - {date: 2026-10-27, with: Jane Roe, QZXW Corp: CEO}
""")
PRIVATE_DUPLICATE_KEY = week("2026-W40", """\
calls:
  - {date: 2026-09-29, with: Jane Roe, QZXW Corp: CEO, QZXW Corp: CFO}
""")
PRIVATE_NUMBER_KEY = week("2026-W41", """\
calls:
  - {date: 2026-10-06, notes: Budget, 9931: approved}
""")


@pytest.fixture
def leaky(content: Content) -> Path:
    return content(config=CONFIG, weeks={"2026-W40": PRIVATE_DUPLICATE_KEY,
                                         "2026-W41": PRIVATE_NUMBER_KEY,
                                         "2026-W42": PRIVATE_TAG, "2026-W43": PRIVATE_ANCHOR,
                                         "2026-W44": PRIVATE_FLOW_KEY,
                                         "2026-W45": PRIVATE_SCHEMA_ERRORS,
                                         "2026-W46": PRIVATE_COMMA,
                                         "2026-W47": PRIVATE_RULE_ERRORS})


def assert_no_secret(output: str) -> None:
    for secret in SECRETS:
        assert secret not in output, f"{secret!r} leaked into:\n{output}"


def test_private_values_are_in_error_entries_and_never_in_messages(leaky: Path) -> None:
    problems = list(analyse(leaky).problems)
    # The planted fields really are the ones reported on (so this test can fail).
    places = {(p.pos.file, p.pos.line) for p in problems}
    assert {("weeks/2026-W40.yaml", 3), ("weeks/2026-W41.yaml", 3),
            ("weeks/2026-W42.yaml", 3), ("weeks/2026-W43.yaml", 4),
            ("weeks/2026-W44.yaml", 3)} <= places
    w45, w46, w47 = ("weeks/2026-W45.yaml", "weeks/2026-W46.yaml", "weeks/2026-W47.yaml")
    assert {(w45, n) for n in (4, 5, 8, 10, 11, 12, 13, 16, 17, 19)} <= places
    assert (w46, 3) in places
    assert {(w47, n) for n in (3, 6, 9, 11, 12, 15, 16, 18)} <= places
    for text in (format_text(problems), format_text(problems, color=True),
                 format_json(problems), format_github(problems, "content/")):
        assert_no_secret(text)


def test_private_values_never_reach_lifecycle_messages(content: Content) -> None:
    """The lifecycle rules run only when every week file reads (so alone here)."""
    root = content(config=CONFIG, weeks={"2026-W47": PRIVATE_RULE_ERRORS})
    problems = list(analyse(root).problems)
    assert ("weeks/2026-W47.yaml", 10) in {(p.pos.file, p.pos.line) for p in problems}
    for text in (format_text(problems), format_json(problems)):
        assert_no_secret(text)


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_private_values_never_reach_the_cli_output(leaky: Path, fmt: str) -> None:
    result = run_traction("check", "--content", str(leaky), "--format", fmt, "--strict")
    assert result.returncode == 1
    assert result.stdout.strip()
    assert_no_secret(result.stdout + result.stderr)
    if fmt == "json":
        doc = json.loads(result.stdout)
        assert doc["errors"] >= 20
    if fmt == "github":
        assert all(re.match(r"^::error file=", line) for line in result.stdout.splitlines())


def test_a_private_value_would_be_caught(content: Content) -> None:
    # Control: the same marker in a public field does show up, so the scan above is real.
    root = content(config=CONFIG, weeks={"2026-W47": week("2026-W47", """\
accounts:
  - {id: acme, event: qualified, date: 2026-11-17, source: QZXW-source}
""")})
    with pytest.raises(AssertionError):
        assert_no_secret(format_text(list(analyse(root).problems)))


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_no_message_names_an_account_that_is_not_public(content: Content, fmt: str) -> None:
    # The reproducers: a lifecycle error named the account, a did-you-mean named a *different*
    # non-public account, and "'Globex Corp' is not a valid id" echoed the text.
    def check(root: Path) -> str:
        result = run_traction("check", "--content", str(root), "--format", fmt)
        assert result.returncode == 1
        return result.stdout + result.stderr

    output = check(content(
        config=CONFIG + "accounts:\n  kanarypublic: {name: Public Co, public: true}\n",
        weeks={"2026-W47": week("2026-W47", """\
accounts:
  - {id: kanarysecretid, event: won, date: 2026-11-17}
  - {id: kanarypublic, event: won, date: 2026-11-17}
""")},
        case_studies={"case": "---\ntitle: Case\ncustomer: kanarycasecustomer\n---\n"}))
    assert "kanarypublic" in output  # a public account is still named by its id
    assert "account Customer 2: 'won' without 'qualified' before it" in output
    assert "did you mean the account at weeks/2026-W47.yaml:3:10?" in output
    output += check(content(config=CONFIG, weeks={"2026-W47": week("2026-W47", """\
accounts:
  - {id: Kanary Globex Corp, event: qualified, date: 2026-11-17, source: cold-email}
""")}))
    assert "not a valid id" in output
    for secret in ["kanarysecret", "globex", "kanarycase"]:
        assert secret not in output.lower()


@pytest.mark.parametrize("name", ["CON", "nul", "aux", "com1", "lpt1"])
def test_windows_reserved_slugs_are_refused(content: Content, name: str) -> None:
    root = content(config=CONFIG, case_studies={name: "---\ntitle: T\n---\n"},
                   pages={name.lower() + "-ok": "---\ntitle: P\n---\n"})
    assert report(root) == [
        f"case-studies/{name}.md:1:1: error: '{name}' is a reserved file name on Windows"]


def test_a_log_spanning_more_than_max_span_years_is_an_error(content: Content) -> None:
    # The reproducer: two 16-byte files gave a warning, then a 25-s, 1-GB build.
    weeks = {"1900-W01": "week: 1900-W01\n", "9998-W52": "week: 9998-W52\n"}
    root = content(config=CONFIG, weeks=weeks)
    errors = [line for line in report(root) if ": error: " in line]
    assert errors == ["weeks/9998-W52.yaml:1:7: error: the weekly logs span 8099 years "
                      "(1900-W01 to 9998-W52); the limit is 30"]
    shutil.rmtree(root / "weeks")
    root = content(config=CONFIG + "max_span_years: 40\n",
                   weeks={"1990-W01": "week: 1990-W01\n", "2026-W01": "week: 2026-W01\n"})
    assert not [line for line in report(root) if ": error: " in line]


def test_a_non_public_account_named_in_a_public_field_is_a_warning(content: Content) -> None:
    # The reproducer: the case study shows the account by its alias, yet its title, tags and
    # text, a summary, a source and a custom milestone named it, and all were published.
    custom = """custom_ladders:
  - id: deals
    title: Deals
    milestones:
      - id: close-kanarycorp
        title: Close Kanary Secret Corp
        conditions: [{metric: paying_customers, at_least: 1}]
ladders: [deals]
"""
    root = content(
        config=CONFIG.replace("founder-network: {}", "kanarysecretid-referrals: {}")
        + "accounts:\n  kanarysecretid: {name: Kanary Secret Corp}\n  kanarycorp: {}\n"
        + custom,
        weeks={"2026-W47": week("2026-W47", """\
summary: Great call with KANARYSECRETID today.
accounts:
  - {id: kanarysecretid, event: qualified, date: 2026-11-17, source: cold-email}
""")},
        case_studies={"deal": "---\ntitle: How Kanary Secret Corp grew\ncustomer: kanarysecretid"
                      "\ntags: [kanarycorp]\n---\nFirst line.\nThey (kanarysecretid) grew.\n"})
    found = [line for line in report(root) if "not public" in line]
    assert [line.split(": warning:")[0] for line in found] == [
        "case-studies/deal.md:2:8",  # title
        "case-studies/deal.md:4:8",  # tags
        "case-studies/deal.md:7:1",  # the text's second line
        "traction.yaml:6:3",  # the source
        "traction.yaml:14:13",  # milestone id
        "traction.yaml:15:16",  # milestone title
        "weeks/2026-W47.yaml:2:10",  # the summary
    ]
    assert not any("kanary" in line.lower() for line in found)
    strict = run_traction("check", "--content", str(root), "--strict")
    assert strict.returncode == 1 and "error: names an account that is not public" in (
        strict.stdout + strict.stderr)


def test_a_second_check_in_one_process_sees_a_document_edited_and_undone(content: Content
                                                                        ) -> None:
    """What the rules keep of each document (whether it may name a private account, its
    template lines) is the document's: `traction serve` checks again on every save."""
    plain = "---\ntitle: Deal\n---\nFirst line.\nThey grew.\n"
    root = content(
        config=CONFIG + "accounts:\n  kanarysecretid: {}\n",
        weeks={"2026-W47": week("2026-W47", """\
accounts:
  - {id: kanarysecretid, event: qualified, date: 2026-11-17, source: cold-email}
""")},
        case_studies={"deal": plain})

    def flagged() -> list[str]:
        return [line.split(": warning:")[0] for line in report(root)
                if "not public" in line or "example text" in line]

    assert flagged() == []
    study = root / "case-studies" / "deal.md"
    study.write_text(plain.replace("They grew.", "Kanarysecretid grew.\n"
                                   "TODO"), "utf-8")
    assert flagged() == ["case-studies/deal.md:5:1", "case-studies/deal.md:6:1"]
    study.write_text(plain, "utf-8")
    assert flagged() == []
