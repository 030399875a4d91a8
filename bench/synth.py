#!/usr/bin/env python3
"""Generate a deterministic synthetic Traction content directory for benchmarks.

Usage::

    python bench/synth.py OUT_DIR --years 5 [--case-studies N] [--seed 1]

The generated log follows the content format of SPEC.md §1-3b and is valid
under its lifecycle rules: every date lies inside its file's ISO week, each
account is qualified once and then won or lost (never both), ``paid`` comes
strictly after ``won``, sentiment/renewal/churn only while paying, and after
``churned`` only a re-activating ``paid``. The numbers drift over the log's
lifetime (more calls, more SQLs, a better close rate, a growing customer base
with some churn), so the milestone engine has real work to do.

For ``--years 5`` the log has 260 weeks with roughly 2,000 calls, 1,400
account events and 400 list events; ``--years 50`` is the same shape x10.
The output is a pure function of the arguments (seeded ``random.Random``, no
clock), so runs are reproducible. YAML is written as text, free text always
as double-quoted scalars.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

FOUNDERS = ("ana", "ben")
REPS = ("rep-1", "rep-2")
SCALABLE_SOURCE = "cold-email"
# source -> traction.yaml declaration (YAML flow mapping text)
SOURCES: dict[str, str] = {
    "founder-network": "{}",
    "cold-email": "{scalable: true, max_cac: 3000}",
    "referral": "{}",
    "linkedin-ads": "{}",
    "content": "{}",
}
COUNTED_TYPES = ("sales", "discovery", "demo")
OTHER_TYPES = ("check-in", "onboarding")


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _split(
    "Jane John Maria Wei Aisha Lukas Sofia Kenji Priya Omar Elena Tom Fatima Noah "
    "Chloe Mateo Ingrid Ravi Zoe Ahmed Lena Pedro Hana Samuel Yara Björn Amélie"
)
LAST_NAMES = _split(
    "Roe Doe García Zhang Okafor Müller Rossi Tanaka Sharma Haddad Popescu O'Brien "
    "Nguyen Smith Dubois Silva Larsen Iyer Kowalski Mensah Novak Costa"
)
COMPANY_A = _split(
    "north blue bright iron silver rapid clear true green swift prime cloud summit "
    "harbor maple orbit pixel vector lumen cedar atlas nova quartz delta"
)
COMPANY_B = _split(
    "wind labs works logic metrics stack forge scale ledger signal flow base grid "
    "point field bridge loop craft hub pilot wave line path mint"
)
COMPANY_SUFFIX = ("Inc.", "GmbH", "Ltd", "AG", "SAS", "BV", "LLC", "Oy")
PRODUCTS = (
    "Churn playbook",
    "Positioning workbook",
    "Onboarding checklist",
    "Pricing teardown",
    "Retention email pack",
    "Cohort template",
)
TOPICS = (
    "onboarding",
    "pricing",
    "churn",
    "activation",
    "renewals",
    "cohorts",
    "expansion revenue",
    "trial conversion",
    "support load",
    "dashboards",
)
NOTES = (
    "Wants a pilot for {topic}; follow up next week.",
    'Asked: "what does it cost per seat?" #pricing',
    "Champion is the head of {topic}; budget owner is the CFO.",
    "Using spreadsheets for {topic} today — painful, 2 analysts on it.",
    "No-go for now: 'maybe in Q3'. Keep warm.",
    "Demoed the {topic} report; loved it. Sent deck & contract.",
    "Worried about SSO/SAML and data residency (EU).",
    "Referred by an existing customer; 50% discount request: no.",
    "Tech lead asked for API docs, {topic} exports and a sandbox.",
    "Back-slash test: C:\\exports\\{topic}.csv — escaped? yes.",
)
LEARNINGS = (
    "buyers care more about {topic} than about dashboards",
    "the demo lands best when we open with their own {topic} numbers",
    "cold email subject lines naming {topic} get twice the replies",
    "customers who finish onboarding in week one stay",
    "annual plans close faster when we offer a {topic} review",
    "the CFO is the real buyer for {topic}",
)
NEXTS = (
    "ship the {topic} export",
    "book five more discovery calls",
    "write the {topic} case study",
    "test a higher price on the team plan",
    "hand the first leads to the new rep",
    "clean up the onboarding emails",
)
WORDS = _split(
    "team customers revenue churn weekly report signal pipeline onboarding accounts "
    "retention data workflow insight renewal pricing dashboard cohort activation "
    "analyst forecast quarter growth process manual hours faster clearer simple "
    "reliable every their with the and for from into across before after without"
)


def q(text: str) -> str:
    """Return ``text`` as a YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def poisson(rng: random.Random, lam: float) -> int:
    """Knuth's Poisson sampler (fine for the small rates used here)."""
    limit = math.exp(-lam)
    k, p = 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


@dataclass
class Account:
    id: str
    name: str
    qualified_on: date
    state: str = "open"  # open | won | lost | paying | churned
    last: date = date.min  # date of the latest event
    sentiment: str | None = None
    interval: str = "month"
    amount: int = 0
    reactivated: bool = False  # at most one come-back per account
    will_reactivate: bool = False  # decided when the account churns


@dataclass
class Stats:
    weeks: int = 0
    calls: int = 0
    account_events: int = 0
    list_events: int = 0
    case_studies: int = 0
    bytes: int = 0
    events_by_type: dict[str, int] = field(default_factory=dict)


@dataclass
class Event:
    day: date
    seq: int
    text: str


class Generator:
    def __init__(self, seed: int, start: date, n_weeks: int) -> None:
        self.rng = random.Random(seed)
        self.start = start
        self.n_weeks = n_weeks
        self.accounts: dict[str, Account] = {}
        self.active: list[Account] = []  # not lost (lost accounts are done)
        self.won_order: list[str] = []
        self.subscribers = 15
        self.seq = 0
        self.stats = Stats()

    # -- helpers --------------------------------------------------------
    def pick_day(self, monday: date, earliest: date) -> date | None:
        """A random day in [max(monday, earliest), sunday], or None if empty."""
        lo = max(monday, earliest)
        sunday = monday + timedelta(days=6)
        if lo > sunday:
            return None
        return lo + timedelta(days=self.rng.randint(0, (sunday - lo).days))

    def new_account_id(self) -> tuple[str, str]:
        rng = self.rng
        a, b = rng.choice(COMPANY_A), rng.choice(COMPANY_B)
        n = len(self.accounts) + 1
        return f"{a}{b}-{n}", f"{a.capitalize()}{b} {rng.choice(COMPANY_SUFFIX)}"

    def contact(self, company: str | None = None) -> str:
        rng = self.rng
        person = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if company is None:
            company = f"{rng.choice(COMPANY_A).capitalize()}{rng.choice(COMPANY_B)}"
        return f"{person}, {company}"

    def fmt(self, template: str) -> str:
        return template.format(topic=self.rng.choice(TOPICS))

    def event(self, acc: Account, day: date, kind: str, extra: str = "") -> Event:
        acc.last = day
        self.seq += 1
        self.stats.account_events += 1
        self.stats.events_by_type[kind] = self.stats.events_by_type.get(kind, 0) + 1
        text = f"{{id: {acc.id}, event: {kind}, date: {day.isoformat()}{extra}}}"
        return Event(day, self.seq, text)

    # -- one week -------------------------------------------------------
    def week(self, index: int) -> str:
        rng = self.rng
        monday = self.start + timedelta(weeks=index)
        sunday = monday + timedelta(days=6)
        t = index / max(1, self.n_weeks - 1)  # 0..1 over the log's lifetime
        week_id = iso_week(monday)
        iso_w = monday.isocalendar()[1]
        holiday = iso_w in (52, 53, 1) or (iso_w in (31, 32) and rng.random() < 0.5)
        events: list[Event] = []
        counts = {"sqls": 0, "won": 0, "lost": 0, "paid": 0, "churned": 0}

        # Lifecycle of existing accounts: at most one transition per week.
        still_active: list[Account] = []
        p_win = 0.22 + 0.2 * t
        for acc in self.active:
            earliest = acc.last + timedelta(days=1)
            kind: str | None = None
            extra = ""
            if acc.state == "open":
                age_weeks = (monday - acc.qualified_on).days // 7
                if rng.random() < 0.22 or age_weeks > 16:
                    kind = "won" if (age_weeks <= 16 and rng.random() < p_win) else "lost"
            elif acc.state == "won":
                if rng.random() < 0.6:
                    kind = "paid"
            elif acc.state == "paying":
                r = rng.random()
                if acc.sentiment is None:
                    if r < 0.25:
                        kind = "hell-yes" if rng.random() < 0.55 + 0.35 * t else "meh"
                elif acc.sentiment == "hell-yes":
                    if r < 0.012:
                        kind = "churned"
                    elif r < 0.032:
                        kind = "renewed"
                    elif r < 0.036:
                        kind = "meh"
                else:  # meh
                    if r < 0.04:
                        kind = "churned"
                    elif r < 0.055:
                        kind = "hell-yes"
                    elif r < 0.06:
                        kind = "renewed"
            elif acc.state == "churned" and acc.will_reactivate and rng.random() < 0.03:
                kind = "paid"
                acc.will_reactivate = False
            day = self.pick_day(monday, earliest) if kind else None
            if kind is None or day is None:
                still_active.append(acc)
                continue
            if kind == "won":
                acc.state = "won"
                counts["won"] += 1
                self.won_order.append(acc.id)
            elif kind == "lost":
                acc.state = "lost"
                counts["lost"] += 1
            elif kind == "paid":
                if acc.state == "won":
                    acc.interval = rng.choices(("month", "year", "once"), (6, 3, 1))[0]
                    base = {"month": 400, "year": 4200, "once": 1500}[acc.interval]
                    acc.amount = int(base * rng.uniform(0.5, 2.5)) // 10 * 10
                acc.state = "paying"
                acc.sentiment = None
                counts["paid"] += 1
                extra = f", amount: {acc.amount}, interval: {acc.interval}"
            elif kind == "churned":
                acc.state = "churned"
                acc.will_reactivate = not acc.reactivated and rng.random() < 0.15
                acc.reactivated = True
                counts["churned"] += 1
            else:  # hell-yes | meh | renewed
                acc.sentiment = "hell-yes" if kind == "renewed" else kind
                if rng.random() < 0.3:
                    extra = f", note: {q(self.fmt(rng.choice(NOTES)))}"
            events.append(self.event(acc, day, kind, extra))
            if acc.state != "lost":
                still_active.append(acc)
        self.active = still_active

        # New SQLs.
        n_new = poisson(rng, (0.9 + 1.8 * t) * (0.4 if holiday else 1.0))
        owners = list(FOUNDERS) + [r for i, r in enumerate(REPS) if t > 0.35 + 0.3 * i]
        for _ in range(n_new):
            acc_id, name = self.new_account_id()
            day = self.pick_day(monday, monday)
            assert day is not None
            acc = Account(acc_id, name, qualified_on=day)
            self.accounts[acc_id] = acc
            weights = (3 - 2 * t, 0.5 + 3 * t, 1.0, 0.3 + 0.5 * t, 0.5)
            source = rng.choices(tuple(SOURCES), weights)[0]
            owner = rng.choice(owners)
            counts["sqls"] += 1
            events.append(self.event(acc, day, "qualified", f", source: {source}, owner: {owner}"))
            # Occasionally decided the same week (on or after the qualifying day).
            if rng.random() < 0.08:
                won = rng.random() < p_win
                dday = self.pick_day(monday, day)
                assert dday is not None
                acc.state = "won" if won else "lost"
                counts["won" if won else "lost"] += 1
                if won:
                    self.won_order.append(acc.id)
                events.append(self.event(acc, dday, acc.state))
            if acc.state != "lost":
                self.active.append(acc)
        events.sort(key=lambda e: (e.day, e.seq))

        # Calls.
        season = 1.2 * math.sin(2 * math.pi * iso_w / 52)
        mu = 4.6 + 6.5 * t + season
        if holiday:
            mu *= 0.3
        n_calls = max(0, min(12, round(rng.gauss(mu, 2.2))))
        known = [a for a in self.active if a.qualified_on <= sunday][-40:]
        calls: list[tuple[date, str]] = []
        for _ in range(n_calls):
            day = self.pick_day(monday, monday)
            assert day is not None
            acc = rng.choice(known) if known and rng.random() < 0.6 else None
            company = acc.name if acc else None
            ctype = (
                rng.choices(COUNTED_TYPES, (5, 3, 2))[0]
                if rng.random() < 0.85
                else rng.choice(OTHER_TYPES)
            )
            status = rng.choices(("held", "scheduled", "no-show", "cancelled"), (85, 5, 6, 4))[0]
            lines = [f"  - date: {day.isoformat()}", f"    with: {q(self.contact(company))}"]
            if acc is not None:
                lines.append(f"    account: {acc.id}")
            lines.append(f"    type: {ctype}")
            lines.append(f"    status: {status}")
            if rng.random() < 0.8:
                lines.append(f"    notes: {q(self.fmt(rng.choice(NOTES)))}")
            calls.append((day, "\n".join(lines)))
        calls.sort(key=lambda c: c[0])
        self.stats.calls += n_calls

        # Email list.
        gain = max(0, round(rng.gauss(4 + 40 * t, 3 + 6 * t)))
        loss = max(0, round(self.subscribers * rng.uniform(0.0, 0.008)))
        self.subscribers = max(0, self.subscribers + gain - loss)
        list_events: list[tuple[date, str]] = []
        for _ in range(poisson(rng, 0.6 + 1.8 * t)):
            day = self.pick_day(monday, monday)
            assert day is not None
            etype = rng.choices(("question", "sale", "inquiry"), (55, 30, 15))[0]
            text = f"{{date: {day.isoformat()}, type: {etype}"
            if etype == "sale":
                price = rng.choice((9, 19, 29, 49, 79, 99, 149))
                text += f", price: {price}, product: {q(rng.choice(PRODUCTS))}"
            elif etype == "inquiry":
                text += f", spontaneous: {'true' if rng.random() < 0.7 else 'false'}"
            list_events.append((day, text + "}"))
        list_events.sort(key=lambda e: e[0])
        self.stats.list_events += len(list_events)

        # Spend.
        spend = [f"  - {{source: {SCALABLE_SOURCE}, amount: {rng.randrange(150, 750, 50)}}}"]
        if t > 0.2 and rng.random() < 0.4:
            spend.append(f"  - {{source: linkedin-ads, amount: {rng.randrange(100, 1000, 100)}}}")

        # Summary (public Markdown).
        summary = (
            f"**{week_id}:** {n_calls} calls, {counts['sqls']} new SQLs, "
            f"{counts['won']} won, {counts['lost']} lost.\n\n"
            f"- What we learned: {self.fmt(rng.choice(LEARNINGS))}.\n"
            f"- What's next: {self.fmt(rng.choice(NEXTS))}.\n"
        )
        if rng.random() < 0.3:
            summary += "\nNotes on *pricing* are in [our FAQ](/faq/).\n"

        out = [f"week: {week_id}", f"summary: {q(summary)}"]
        if calls:
            out.append("calls:")
            out.extend(c[1] for c in calls)
        if events:
            out.append("accounts:")
            out.extend(f"  - {e.text}" for e in events)
        out.append("list:")
        out.append(f"  subscribers: {self.subscribers}")
        if list_events:
            out.append("  events:")
            out.extend(f"    - {e[1]}" for e in list_events)
        out.append("spend:")
        out.extend(spend)
        self.stats.weeks += 1
        return "\n".join(out) + "\n"


# -- traction.yaml, case studies, pages -------------------------------------


def traction_yaml(gen: Generator, cards: bool = True) -> str:
    public = gen.won_order[:5]
    named = gen.won_order[5:8]
    lines = [
        "site:",
        f"  title: {q('Synthco — building in public (benchmark)')}",
        f"  url: {q('https://example.github.io/synthco/')}",
        f"  description: {q('A synthetic company used to benchmark Traction.')}",
        "  language: en",
        *([] if cards else ["  social_cards: false"]),
        "company:",
        f"  name: {q('Synthco')}",
        f"  tagline: {q('Churn analytics for B2B SaaS')}",
        "ladders: [zero-to-one, micro-traction]",
        f"founders: [{', '.join(FOUNDERS)}]",
        "sources:",
        *(f"  {name}: {decl}" for name, decl in SOURCES.items()),
    ]
    if public or named:
        lines.append("accounts:")
        for acc_id in public:
            lines.append(f"  {acc_id}: {{name: {q(gen.accounts[acc_id].name)}, public: true}}")
        for acc_id in named:
            lines.append(f"  {acc_id}: {{name: {q(gen.accounts[acc_id].name)}}}")
    lines += ["privacy:", "  show_revenue: false"]
    years = gen.n_weeks // 52 + 1
    if years > 30:  # longer than traction.yaml allows by default (a mistyped year, usually)
        lines.append(f"max_span_years: {years}")
    return "\n".join(lines) + "\n"


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def sentence(rng: random.Random) -> str:
    parts = words(rng, rng.randint(8, 16)).split()
    i = rng.randrange(len(parts))
    r = rng.random()
    if r < 0.15:
        parts[i] = f"*{parts[i]}*"
    elif r < 0.25:
        parts[i] = f"**{parts[i]}**"
    elif r < 0.32:
        parts[i] = f"[{parts[i]}](https://example.com/{parts[i]})"
    text = " ".join(parts)
    return text[0].upper() + text[1:] + "."


def case_study(gen: Generator, index: int, end: date) -> tuple[str, str]:
    rng = gen.rng
    pool = gen.won_order or list(gen.accounts)
    acc = gen.accounts[pool[index % len(pool)]] if pool else None
    customer = acc.id if acc else "acme"
    name = acc.name.split()[0] if acc else "Acme"
    lo = acc.qualified_on + timedelta(days=30) if acc else gen.start
    lo = min(lo, end)
    day = lo + timedelta(days=rng.randint(0, max(0, (end - lo).days)))
    topic = rng.choice(TOPICS)
    pct = rng.randint(12, 64)
    title = f"How {name} improved {topic} by {pct}%"
    summary = f'{name} replaced a manual {topic} process with weekly reports: "finally clear".'
    before = rng.randint(20, 90)
    front = [
        "---",
        f"title: {q(title)}",
        f"summary: {q(summary)}",
        f"date: {day.isoformat()}",
        f"customer: {customer}",
        "results:",
        f"  - {{metric: {q(topic.capitalize())}, before: {q(f'{before}%')}, "
        f"after: {q(f'{round(before * (1 - pct / 100))}%')}}}",
        f"  - {{metric: {q('Hours per week on reporting')}, before: {q(str(rng.randint(8, 30)))}, "
        f"after: {q(str(rng.randint(1, 6)))}}}",
        f"tags: [{q(topic)}, {q(rng.choice(TOPICS))}]",
        "---",
    ]
    body = [sentence(rng) + " " + sentence(rng), ""]
    n_words = 0
    for heading in ("The challenge", "What we did", "Results", "What's next"):
        body += [f"## {heading}", ""]
        paragraph = " ".join(sentence(rng) for _ in range(rng.randint(3, 5)))
        body += [paragraph, ""]
        items = [f"- {sentence(rng)}" for _ in range(rng.randint(2, 4))]
        body += [*items, ""]
        n_words += len(paragraph.split()) + sum(len(i.split()) for i in items)
    while n_words < 380:
        paragraph = " ".join(sentence(rng) for _ in range(3))
        body += [paragraph, ""]
        n_words += len(paragraph.split())
    body += [f"> {sentence(rng)}", f"> — {gen.contact(name)}", ""]
    slug = f"{index + 1:03d}-{customer}"
    return slug, "\n".join(front + body)


ABOUT = """---
title: "About"
order: 1
---
# About Synthco

Synthco is a **synthetic** company generated by `bench/synth.py` to benchmark
[Traction](https://github.com/). Every number here is made up.

- Founders: Ana and Ben
- Market: churn analytics for B2B SaaS
"""


def generate(out: Path, years: int, case_studies: int, seed: int, start: str | None,
             cards: bool = True) -> Stats:
    """The synthetic content in `out`; `cards=False` turns the social cards off, as the
    benches that time everything but the cards do."""
    if start:
        year_s, week_s = start.split("-W")
        start_day = date.fromisocalendar(int(year_s), int(week_s), 1)
    else:
        start_day = date.fromisocalendar(2026 - years, 1, 1)
    n_weeks = 52 * years
    gen = Generator(seed, start_day, n_weeks)
    (out / "weeks").mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(n_weeks):
        text = gen.week(i)
        monday = start_day + timedelta(weeks=i)
        path = out / "weeks" / f"{iso_week(monday)}.yaml"
        path.write_text(text, encoding="utf-8")
        total += len(text.encode())
    last_sunday = start_day + timedelta(weeks=n_weeks - 1, days=6)
    text = traction_yaml(gen, cards)
    (out / "traction.yaml").write_text(text, encoding="utf-8")
    total += len(text.encode())
    if case_studies:
        (out / "case-studies").mkdir(exist_ok=True)
        for i in range(case_studies):
            slug, text = case_study(gen, i, last_sunday)
            (out / "case-studies" / f"{slug}.md").write_text(text, encoding="utf-8")
            total += len(text.encode())
    (out / "pages").mkdir(exist_ok=True)
    (out / "pages" / "about.md").write_text(ABOUT, encoding="utf-8")
    gen.stats.case_studies = case_studies
    gen.stats.bytes = total + len(ABOUT.encode())
    return gen.stats


def bench_options(doc: str | None, years: int = 5, case_studies: int | None = 100,
                  runs: int = 9) -> argparse.ArgumentParser:
    """The options every bench that writes a synthetic log takes: `--years`,
    `--case-studies` (unless None: the bench writes none) and `--runs`."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    parser.add_argument("--years", type=int, default=years)
    if case_studies is not None:
        parser.add_argument("--case-studies", type=int, default=case_studies)
    parser.add_argument("--runs", type=int, default=runs)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="content directory to create")
    parser.add_argument("--years", type=int, default=5, help="log length in years of 52 weeks")
    parser.add_argument("--case-studies", type=int, default=0, metavar="N")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--start", help="first ISO week, e.g. 2021-W01 (default: W01 of 2026 - YEARS)"
    )
    parser.add_argument("--no-cards", action="store_true",
                        help="social cards off (bench/cards.py times them on their own)")
    parser.add_argument("--force", action="store_true", help="replace an existing content dir")
    parser.add_argument("--json", action="store_true", help="print the stats as JSON")
    args = parser.parse_args(argv)
    out: Path = args.out
    if out.exists() and any(out.iterdir()):
        if not args.force:
            print(f"error: {out} is not empty (use --force to replace it)", file=sys.stderr)
            return 2
        for sub in ("weeks", "case-studies", "pages"):
            shutil.rmtree(out / sub, ignore_errors=True)
        (out / "traction.yaml").unlink(missing_ok=True)
    stats = generate(out, args.years, args.case_studies, args.seed, args.start,
                     cards=not args.no_cards)
    if args.json:
        print(json.dumps(stats.__dict__, sort_keys=True))
    else:
        print(
            f"{out}: {stats.weeks} weeks, {stats.calls} calls, "
            f"{stats.account_events} account events, {stats.list_events} list events, "
            f"{stats.case_studies} case studies, {stats.bytes / 1024:.0f} KiB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
