"""Loading a content directory: every problem as `path:line:col: severity: message`.

Each test writes a small content tree and compares the exact lines `traction check`
prints (via `format_text`), on both YAML parser paths.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.pipeline import analyse
from generator.problems import Problem, Problems, format_text, sort_problems
from generator.source.loader import load
from generator.source.yamlsource import MAX_FILE_BYTES, MAX_MARKDOWN_CHARS

FAST = pytest.mark.parametrize("fast", [True, False], ids=["libyaml", "pure-python"])
Content = Callable[..., Path]

WEEK = "week: 2026-W47\n"


def text_of(problems: list[Problem] | tuple[Problem, ...]) -> list[str]:
    return format_text(list(problems)).splitlines()


def loaded(root: Path, fast: bool) -> list[str]:
    """The loader's own problems, sorted as the pipeline sorts them."""
    problems = Problems()
    load(root, problems, fast=fast)
    return text_of(problems.sorted())


def checked(root: Path, fast: bool) -> list[str]:
    """Everything `traction check` reports (loader, rules, ladders), in order."""
    return text_of(analyse(root, fast_yaml=fast).problems)


# --- unknown, missing and mistyped keys -------------------------------------------------

@FAST
def test_unknown_key_in_a_weekly_log_with_did_you_mean(content: Content, fast: bool) -> None:
    root = content(weeks={"2026-W47": WEEK + "cals:\n  - date: 2026-11-17\n"})
    assert loaded(root, fast) == [
        "weeks/2026-W47.yaml:2:1: error: unknown key 'cals'",
        "  hint: did you mean 'calls'?",
    ]


@FAST
def test_unknown_key_with_an_empty_value_is_still_an_error(content: Content, fast: bool) -> None:
    # An empty value of a known key means "not given"; an unknown key is a mistake either way.
    root = content(weeks={"2026-W47": WEEK + "sumary:\nsummary:\n"})
    assert loaded(root, fast) == [
        "weeks/2026-W47.yaml:2:1: error: unknown key 'sumary'",
        "  hint: did you mean 'summary'?",
    ]


@FAST
def test_unknown_key_without_a_close_match_lists_the_keys(content: Content, fast: bool) -> None:
    root = content(weeks={"2026-W47": WEEK + "site:\n  x: 1\n"})
    assert loaded(root, fast) == [
        "weeks/2026-W47.yaml:2:1: error: unknown key 'site'",
        "  hint: expected one of: accounts, assert, calls, list, spend, summary, week"]


# (section, entry with a line of private text read as a key, the entry's keys)
PRIVATE_BLOCK_ENTRIES = [
    ("calls", "  - date: 2026-11-17\n    with: Jane Roe\n    KanaryTok Corp: CEO\n",
     "account, date, notes, ref, status, type, with"),
    ("accounts", "  - id: acme\n    event: qualified\n    date: 2026-11-17\n"
                 "    note: met at the fair\n    KanaryTok Corp: CEO\n",
     "amount, date, event, id, interval, note, owner, ref, source"),
    ("spend", "  - source: ads\n    amount: 12\n    KanaryTok Corp: CEO\n", "amount, source"),
]


@pytest.mark.parametrize(("section", "entry", "keys"), PRIVATE_BLOCK_ENTRIES,
                         ids=[case[0] for case in PRIVATE_BLOCK_ENTRIES])
@FAST
def test_an_unknown_key_in_a_private_block_entry_is_not_repeated(
        content: Content, fast: bool, section: str, entry: str, keys: str) -> None:
    """`KanaryTok Corp: CEO` on its own line below `with:` is read as a key of the call: it is
    private text, so the message gives its place and the keys expected, never its text."""
    root = content(weeks={"2026-W47": f"{WEEK}{section}:\n{entry}"})
    found = checked(root, fast)
    line = 2 + entry.count("\n")
    assert found == [
        f"weeks/2026-W47.yaml:{line}:5: error: unknown key (its text is not repeated: this "
        "entry holds private fields)",
        f"  hint: expected one of: {keys}; quote text that contains ': '"]
    assert not any("kanary" in text.casefold() for text in found)


@FAST
def test_an_unknown_key_in_a_list_event_is_not_repeated(content: Content, fast: bool) -> None:
    root = content(weeks={"2026-W47": WEEK + (
        "list:\n  events:\n    - date: 2026-11-17\n      type: sale\n      price: 9\n"
        "      KanaryTok Corp: CEO\n")})
    found = checked(root, fast)
    assert found[0].startswith("weeks/2026-W47.yaml:7:7: error: unknown key (its text is not "
                               "repeated")
    assert found[1] == ("  hint: expected one of: date, note, price, product, spontaneous, "
                        "type; quote text that contains ': '")


@FAST
def test_refused_keys_in_a_private_entry_are_not_repeated(content: Content, fast: bool) -> None:
    """A duplicate or non-text key under a call is private text too; the format's own keys
    (`date`) are still named."""
    for entry, message in [
        ("  - date: 2026-11-17\n    KanaryTok: a\n    KanaryTok: b\n",
         "5:5: error: duplicate key (first at line 4)"),
        ("  - date: 2026-11-17\n    2026-11-18: KanaryTok\n",
         "4:5: error: key is not text in YAML 1.1"),
        ("  - date: 2026-11-17\n    date: 2026-11-18\n",
         "4:5: error: duplicate key 'date' (first at line 3)"),
    ]:
        root = content(weeks={"2026-W47": f"{WEEK}calls:\n{entry}"})
        found = checked(root, fast)
        assert found[0] == f"weeks/2026-W47.yaml:{message}", found
        assert not any("kanary" in text.casefold() for text in found)


@FAST
def test_an_unknown_key_in_a_private_flow_entry_is_not_repeated(content: Content,
                                                                fast: bool) -> None:
    """`{with: Jane Roe, Globex: CEO}`: YAML reads `Globex` as a key; it is private text."""
    root = content(weeks={"2026-W47": WEEK + (
        "calls:\n  - {date: 2026-11-17, with: Jane Roe, Globex Secret: CEO}\n")})
    found = loaded(root, fast)
    assert found == [
        "weeks/2026-W47.yaml:3:40: error: unknown key (its text is not repeated: this entry "
        "holds private fields)",
        "  hint: expected one of: account, date, notes, ref, status, type, with; in {...}, "
        "quote "
        "text that contains ': ' or ', '"]


@FAST
def test_unknown_keys_in_traction_yaml_at_every_depth(content: Content, fast: bool) -> None:
    root = content(config="""\
        site:
          title: Acme
          url: https://acme.github.io/progress/
          langauge: en
        company: {name: Acme}
        foundres: [dana]
        sources:
          cold-email: {scalabel: true}
        accounts:
          initech: {name: Initech, publik: true}
        privacy: {show_revnue: true}
        """)
    assert loaded(root, fast) == [
        "traction.yaml:4:3: error: unknown key 'langauge'",
        "  hint: did you mean 'language'?",
        "traction.yaml:6:1: error: unknown key 'foundres'",
        "  hint: did you mean 'founders'?",
        "traction.yaml:8:16: error: unknown key 'scalabel'",
        "  hint: did you mean 'scalable'?",
        "traction.yaml:10:28: error: unknown key 'publik'",
        "  hint: did you mean 'public'?",
        "traction.yaml:11:11: error: unknown key 'show_revnue'",
        "  hint: did you mean 'show_revenue'?",
    ]


@FAST
def test_missing_required_keys_point_at_the_mapping_that_lacks_them(content: Content,
                                                                    fast: bool) -> None:
    root = content(
        config="site:\n  title: Acme\ncompany:\n  tagline: Churn analytics\n",
        weeks={"2026-W47": "summary: hello\n",
               "2026-W48": "week: 2026-W48\naccounts:\n  - id: globex\n    event: won\n"})
    assert loaded(root, fast) == [
        "traction.yaml:2:3: error: missing required key 'url'",
        "  hint: add `url: ...` (absolute base URL of the published site; a sub-path works)",
        "traction.yaml:4:3: error: missing required key 'name'",
        "  hint: add `name: ...` (company name)",
        "weeks/2026-W47.yaml:1:1: error: missing required key 'week'",
        "  hint: add `week: ...`",
        "weeks/2026-W48.yaml:3:5: error: missing required key 'date'",
        "  hint: add `date: ...`",
    ]


@FAST
def test_wrong_types_name_what_was_expected(content: Content, fast: bool) -> None:
    root = content(
        config="site: [Acme]\ncompany: Acme\nladders: zero-to-one\n",
        weeks={"2026-W47": WEEK + "calls:\n  date: 2026-11-17\nlist: [412]\n"
                                  "spend:\n  - {source: ads, amount: {eur: 1}}\n"})
    assert loaded(root, fast) == [
        "traction.yaml:1:7: error: expected a mapping of key: value pairs",
        "traction.yaml:2:10: error: expected a mapping of key: value pairs",
        "traction.yaml:3:10: error: expected a list",
        "  hint: start each item on its own line with '- '",
        "weeks/2026-W47.yaml:3:3: error: expected a list",
        "  hint: start each item on its own line with '- '",
        "weeks/2026-W47.yaml:4:7: error: expected a mapping of key: value pairs",
        "weeks/2026-W47.yaml:6:27: error: expected a number, got a mapping",
    ]


@FAST
def test_every_problem_in_one_file_is_reported(content: Content, fast: bool) -> None:
    root = content(weeks={"2026-W47": """\
        week: 2026-W47
        calls:
          - date: 2026-11-31
            type: sale
            status: done
        accounts:
          - {id: globex, event: qualifed, date: 2026-11-17}
          - {id: Globex Inc, event: won, date: 2026-11-18}
        list:
          events:
            - {date: 2026-11-18, type: question, spontaneous: yes}
        """})
    assert loaded(root, fast) == [
        "weeks/2026-W47.yaml:3:11: error: '2026-11-31' is not a real date",
        "  hint: check the day and month",
        "weeks/2026-W47.yaml:4:11: error: 'sale' is not one of: sales, discovery, demo, "
        "check-in, onboarding",
        "  hint: did you mean 'sales'?",
        "weeks/2026-W47.yaml:5:13: error: 'done' is not one of: held, scheduled, no-show, "
        "cancelled",
        "weeks/2026-W47.yaml:7:25: error: 'qualifed' is not one of: qualified, won, lost, paid, "
        "hell-yes, meh, renewed, churned",
        "  hint: did you mean 'qualified'?",
        "weeks/2026-W47.yaml:8:10: error: not a valid id",
        "  hint: use letters, digits, '-' and '_', starting with a letter or digit",
        "weeks/2026-W47.yaml:11:55: error: 'yes' is ambiguous (YAML 1.1 boolean), "
        "expected true or false",
        "  hint: write true or false",
    ]


# --- weekly log file names --------------------------------------------------------------

@FAST
def test_week_value_must_match_the_file_name(content: Content, fast: bool) -> None:
    root = content(weeks={"2026-W47": "summary: x\nweek: 2026-W46\n"})
    assert loaded(root, fast) == [
        "weeks/2026-W47.yaml:2:7: error: week '2026-W46' does not match the file name",
        "  hint: rename the file to 2026-W46.yaml or fix the week",
    ]
    assert load(root, Problems(), fast=fast).weeks == ()  # the mismatched log is not used


@FAST
def test_bad_file_names_in_weeks(content: Content, fast: bool) -> None:
    root = content(weeks={"2026-w47": WEEK, "notes": "x: 1\n", "2026-W5": "week: 2026-W05\n",
                          "2026-W48": "week: 2026-W48\n"})
    weeks = root / "weeks"
    (weeks / "2026-W49.yml").write_text("week: 2026-W49\n", "utf-8")
    (weeks / "README.txt").write_text("hello\n", "utf-8")
    (weeks / "old").mkdir()
    (weeks / ".2026-W50.yaml.swp").write_text("editor junk", "utf-8")
    assert loaded(root, fast) == [
        "weeks/2026-W49.yml:1:1: error: weekly log file name must be YYYY-Www.yaml",
        "  hint: e.g. weeks/2026-W47.yaml",
        "weeks/2026-W5.yaml:1:1: error: weekly log file name must be YYYY-Www.yaml",
        "  hint: e.g. weeks/2026-W47.yaml",
        "weeks/2026-w47.yaml:1:1: error: weekly log file name must be YYYY-Www.yaml",
        "  hint: e.g. weeks/2026-W47.yaml",
        "weeks/notes.yaml:1:1: error: weekly log file name must be YYYY-Www.yaml",
        "  hint: e.g. weeks/2026-W47.yaml",
        # Warnings come after every error.
        "weeks/README.txt:1:1: warning: ignored: not a .yaml or .yml file",
        "weeks/old:1:1: warning: ignored: not a .yaml or .yml file",
    ]
    assert [w.week for w in load(root, Problems(), fast=fast).weeks] == ["2026-W48"]


@FAST
def test_week_file_for_a_week_that_does_not_exist(content: Content, fast: bool) -> None:
    root = content(weeks={"2025-W53": "week: 2025-W53\n"})
    assert loaded(root, fast) == [
        "weeks/2025-W53.yaml:1:7: error: '2025-W53' is not a week of 2025",
        "  hint: ISO years have 52 or 53 weeks",
    ]


# --- whole-file problems ----------------------------------------------------------------

@FAST
def test_missing_traction_yaml(content: Content, fast: bool) -> None:
    root = content(weeks={"2026-W47": WEEK})
    (root / "traction.yaml").unlink()
    assert loaded(root, fast) == [
        "traction.yaml:1:1: error: missing traction.yaml",
        "  hint: run `traction init` to create one",
    ]
    assert load(root, Problems(), fast=fast).config is None


def test_missing_content_directory(tmp_path: Path) -> None:
    root = tmp_path / "nowhere"
    assert loaded(root, True) == [
        ".:1:1: error: content directory not found",  # the folder itself: "." within it
        "  hint: pass --content DIR or run `traction init`",
    ]
    problems = Problems()
    load(root, problems)  # printed from where the command ran: the folder's own path
    assert format_text(list(problems), base=str(root)).startswith(f"{root}:1:1: error:")


@pytest.mark.parametrize("text", ["", "\n\n", "# nothing yet\n", "---\n", "~\n"],
                         ids=["empty", "blank lines", "comment only", "document marker", "null"])
@FAST
def test_empty_files(content: Content, fast: bool, text: str) -> None:
    root = content(config=text, weeks={"2026-W47": text})
    assert loaded(root, fast) == [
        "traction.yaml:1:1: error: file is empty",
        "  hint: see `traction schema` for the format",
        "weeks/2026-W47.yaml:1:1: error: file is empty",
        "  hint: see `traction schema` for the format",
    ]


@FAST
def test_a_scalar_or_list_instead_of_a_mapping(content: Content, fast: bool) -> None:
    root = content(config="just a sentence\n", weeks={"2026-W47": "- week: 2026-W47\n"})
    assert loaded(root, fast) == [
        "traction.yaml:1:1: error: expected a mapping of key: value pairs",
        "weeks/2026-W47.yaml:1:1: error: expected a mapping of key: value pairs",
    ]


@FAST
def test_yaml_traps_in_content_files_name_their_place(content: Content, fast: bool) -> None:
    root = content(weeks={"2026-W46": "week: 2026-W46\nweek: 2026-W46\n",
                          "2026-W47": "week: 2026-W47\ncalls:\n\t- date: 2026-11-17\n"})
    (root / "weeks" / "2026-W48.yaml").write_bytes(b"week: 2026-W48\nsummary: caf\xe9\n")
    assert loaded(root, fast) == [
        "weeks/2026-W46.yaml:2:1: error: duplicate key 'week' (first at line 1)",
        "  hint: each key may appear once in a mapping",
        "weeks/2026-W47.yaml:3:1: error: tab character in indentation",
        "  hint: indent YAML with spaces only",
        "weeks/2026-W48.yaml:2:13: error: invalid UTF-8 byte sequence",
        "  hint: save the file as UTF-8",
    ]


@FAST
def test_oversized_log_is_refused(content: Content, fast: bool) -> None:
    root = content()
    (root / "weeks").mkdir()
    size = MAX_FILE_BYTES + 10
    (root / "weeks" / "2026-W47.yaml").write_bytes(b"#" * (size - 1) + b"\n")
    assert loaded(root, fast) == [
        f"weeks/2026-W47.yaml:1:1: error: file is {size:,} bytes; the limit is "
        f"{MAX_FILE_BYTES:,}",
        "  hint: split the log: one file per ISO week",
    ]


def test_a_huge_file_is_refused_without_being_read(tmp_path: Path) -> None:
    """A 1 GB (sparse) weekly log is refused from its size: the process never holds it."""
    root = tmp_path / "content"
    (root / "weeks").mkdir(parents=True)
    (root / "traction.yaml").write_text("site: {title: A, url: https://a.example/}\n"
                                        "company: {name: A}\n", "utf-8")
    with (root / "weeks" / "2026-W47.yaml").open("wb") as handle:
        handle.truncate(10**9)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from generator.source.loader import load\n"
        "from generator.problems import format_text\n"
        "from generator.problems import Problems\n"
        "problems = Problems()\n"
        "content = load(Path(sys.argv[1]), problems)\n"
        "print(format_text(list(problems)))\n"
        # VmHWM, the peak of this process's own memory: ru_maxrss would count the pytest
        # process this one was started from, which Linux carries across exec
        "peak = next(l for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
        "print(int(peak.split()[1]) // 1024)\n")
    result = subprocess.run([sys.executable, "-c", script, str(root)], capture_output=True,
                            text=True, timeout=60, cwd=Path(__file__).resolve().parent.parent)
    assert result.returncode == 0, result.stderr
    *lines, max_rss_mb = result.stdout.splitlines()
    assert lines == [
        f"weeks/2026-W47.yaml:1:1: error: file is {10**9:,} bytes; the limit is "
        f"{MAX_FILE_BYTES:,}",
        "  hint: split the log: one file per ISO week"]
    assert int(max_rss_mb) < 200  # reading it whole took over 1,000 MB


def test_no_more_than_the_cap_is_read(content: Content, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not even a file that grows after its size was taken: at most the cap and one byte."""
    root = content(weeks={"2026-W47": WEEK})
    sizes: list[int] = []
    real_fdopen = os.fdopen

    def spy_open(fd: int, *args: Any, **kwargs: Any) -> Any:
        handle = real_fdopen(fd, *args, **kwargs)
        read = handle.read

        def bounded_read(size: int = -1) -> Any:
            sizes.append(size)
            return read(size)

        handle.read = bounded_read
        return handle

    monkeypatch.setattr(os, "fdopen", spy_open)
    monkeypatch.setattr(Path, "read_bytes", lambda path: pytest.fail("read whole"))
    assert loaded(root, True) == []
    assert sizes and all(0 <= size <= MAX_FILE_BYTES + 1 for size in sizes)


# --- Markdown length ----------------------------------------------------------------------


@FAST
def test_a_summary_longer_than_the_markdown_limit_is_an_error(content: Content,
                                                              fast: bool) -> None:
    """Python-Markdown's time grows faster than the text: 600,000 `[` took hours."""
    root = content(weeks={"2026-W47": WEEK + "summary: |\n  " + "[" * (MAX_MARKDOWN_CHARS + 1)})
    assert loaded(root, fast) == [
        f"weeks/2026-W47.yaml:2:10: error: the summary is {MAX_MARKDOWN_CHARS + 1:,} "
        f"characters of Markdown; the limit is {MAX_MARKDOWN_CHARS:,}",
        "  hint: shorten it, or split it into more pages"]
    assert load(root, Problems(), fast=fast).unread_weeks == ("weeks/2026-W47.yaml",)
    root = content(weeks={"2026-W47": WEEK + "summary: |-\n  " + "[" * MAX_MARKDOWN_CHARS})
    assert loaded(root, fast) == []


def test_a_document_longer_than_the_markdown_limit_is_an_error(content: Content) -> None:
    body = "x" * (MAX_MARKDOWN_CHARS + 1)
    root = content(case_studies={"long": f"---\ntitle: Long\n---\n{body}\n"},
                   pages={"about": f"---\ntitle: About\n---\n\n{body}"})
    assert loaded(root, True) == [
        f"case-studies/long.md:4:1: error: the text is {len(body) + 1:,} characters of "
        f"Markdown; the limit is {MAX_MARKDOWN_CHARS:,}",
        "  hint: shorten it, or split it into more pages",
        f"pages/about.md:4:1: error: the text is {len(body) + 1:,} characters of Markdown; "
        f"the limit is {MAX_MARKDOWN_CHARS:,}",
        "  hint: shorten it, or split it into more pages"]


def test_the_whys_of_traction_yaml_share_the_markdown_limit(content: Content) -> None:
    why = "w" * (MAX_MARKDOWN_CHARS // 2)
    milestones = "".join(
        f"      - id: m{n}\n        title: M{n}\n        why: {why}\n"
        "        conditions: [{metric: paying_customers, at_least: 1}]\n" for n in range(3))
    root = content(config="site: {title: A, url: https://a.example/}\ncompany: {name: A}\n"
                          "ladders: [mine]\ncustom_ladders:\n  - id: mine\n    title: Mine\n"
                          "    milestones:\n" + milestones)
    assert loaded(root, True) == [
        f"traction.yaml:18:14: error: with this `why`, traction.yaml is "
        f"{3 * len(why):,} characters of Markdown; the limit is {MAX_MARKDOWN_CHARS:,}",
        "  hint: shorten it, or split it into more pages"]


# --- front matter -----------------------------------------------------------------------

@FAST
def test_front_matter_lines_count_from_the_files_first_line(content: Content,
                                                            fast: bool) -> None:
    root = content(case_studies={"initech": """\
        ---
        title: Initech
        sumary: Onboarded in a week
        date: 2026-13-01
        draft: yes
        ---
        # Initech
        """}, pages={"about": """\
        ---
        order: 01
        ---
        About us.
        """})
    assert loaded(root, fast) == [
        "case-studies/initech.md:3:1: error: unknown key 'sumary'",
        "  hint: did you mean 'summary'?",
        "case-studies/initech.md:4:7: error: '2026-13-01' is not a real date",
        "  hint: check the day and month",
        "case-studies/initech.md:5:8: error: 'yes' is ambiguous (YAML 1.1 boolean), "
        "expected true or false",
        "  hint: write true or false",
        "pages/about.md:2:1: error: missing required key 'title'",
        "  hint: add `title: ...`",
        "pages/about.md:2:8: error: '01' has a leading zero (octal in YAML 1.1), "
        "expected a whole number",
        "  hint: drop the leading zeros",
    ]


@FAST
def test_yaml_errors_in_front_matter_count_lines_from_the_file_start(content: Content,
                                                                     fast: bool) -> None:
    root = content(case_studies={
        "dup": "---\ntitle: a\n\ntitle: b\n---\nbody\n",
        "syntax": "---\ntitle: [a\ndraft: true\n---\n",
        "tabs": "---\ntitle: a\nresults:\n\t- {metric: x}\n---\n",
    })
    assert loaded(root, fast) == [
        "case-studies/dup.md:4:1: error: duplicate key 'title' (first at line 2)",
        "  hint: each key may appear once in a mapping",
        "case-studies/syntax.md:3:6: error: invalid YAML: expected ',' or ']', but got ':'",
        "  hint: check indentation and that every `key: value` pair is complete",
        "case-studies/tabs.md:4:1: error: tab character in indentation",
        "  hint: indent YAML with spaces only",
    ]


@FAST
def test_documents_without_usable_front_matter(content: Content, fast: bool) -> None:
    root = content(case_studies={
        "plain": "# Just Markdown\n",
        "unclosed": "---\ntitle: x\n\nBody text.\n",
        "empty-front": "---\n---\nbody\n",
        "bad name!": "---\ntitle: x\n---\n",
    })
    assert loaded(root, fast) == [
        "case-studies/bad name!.md:1:1: error: file name is not a valid slug",
        "  hint: use letters, digits, '-' and '_', e.g. initech-onboarding.md",
        "case-studies/empty-front.md:2:1: error: missing required key 'title'",
        "  hint: add `title: ...`",
        "case-studies/plain.md:1:1: error: missing front matter",
        "  hint: start the file with a '---' line, `title: ...`, and another '---'",
        "case-studies/unclosed.md:1:1: error: front matter is not closed",
        "  hint: end the front matter with a '---' line before the body",
    ]


@FAST
def test_valid_documents_keep_their_body_and_its_line(content: Content, fast: bool) -> None:
    root = content(case_studies={"initech": "---\ntitle: Initech\ntags: [a]\n---\n# Hi\n"},
                   pages={"about": "---\ntitle: About\norder: 2\n---\nAbout us.\n"})
    problems = Problems()
    loaded_content = load(root, problems, fast=fast)
    assert list(problems) == []
    (study,) = loaded_content.case_studies
    assert (study.slug, study.file, study.body, study.body_line) == (
        "initech", "case-studies/initech.md", "# Hi\n", 5)
    assert study.meta.title == "Initech" and study.meta.tags == ["a"]
    (page,) = loaded_content.pages
    assert (page.slug, page.meta.order) == ("about", 2)


# --- one run, every problem, in order ---------------------------------------------------

@FAST
def test_all_problems_of_a_run_are_collected_and_sorted(content: Content, fast: bool) -> None:
    root = content(
        config="site: {title: A, url: https://a.io/}\ncompany: {name: A}\nfoundrs: [dana]\n",
        weeks={
            "2026-W48": "week: 2026-W48\ncals: []\n",
            "2026-W46": "week: 2026-W46\nsummary: on\n",
            "2026-W47": "week: 2026-W47\nweek: 2026-W47\n",
        },
        case_studies={"b": "---\ntitle: ok\n---\n", "a": "no front matter\n"},
        pages={"about": "---\ntitle: About\ndraft: no\n---\n"},
    )
    expected = [
        "case-studies/a.md:1:1: error: missing front matter",
        "  hint: start the file with a '---' line, `title: ...`, and another '---'",
        "pages/about.md:3:8: error: 'no' is ambiguous (YAML 1.1 boolean), expected true or false",
        "  hint: write true or false",
        "traction.yaml:3:1: error: unknown key 'foundrs'",
        "  hint: did you mean 'founders'?",
        "weeks/2026-W46.yaml:2:10: error: 'on' is a boolean in YAML 1.1, expected text",
        "  hint: put it in quotes, e.g. \"yes\"",
        "weeks/2026-W47.yaml:2:1: error: duplicate key 'week' (first at line 1)",
        "  hint: each key may appear once in a mapping",
        "weeks/2026-W48.yaml:2:1: error: unknown key 'cals'",
        "  hint: did you mean 'calls'?",
    ]
    assert checked(root, fast) == expected
    problems = list(analyse(root, fast_yaml=fast).problems)
    assert problems == sort_problems(problems)


def test_sorting_is_by_file_then_line_then_column(content: Content) -> None:
    root = content(weeks={"2026-W47": """\
        week: 2026-W47
        calls:
          - {date: 2026-11-17, type: x, status: y}
          - {date: 2026-11-40}
        """})
    lines = [line for line in checked(root, True) if not line.startswith(" ")]
    assert [line.split(": ")[0] for line in lines] == [
        "weeks/2026-W47.yaml:3:30", "weeks/2026-W47.yaml:3:41", "weeks/2026-W47.yaml:4:12"]


def test_both_parser_paths_give_the_same_report_on_the_demo_and_a_broken_tree(
        content: Content) -> None:
    root = content(weeks={"2026-W47": "week: 2026-W47\ncalls:\n  - {date: 2026-11-17, "
                                      "type: demo, with: Roe, Globex}\nlist: {subscribers: 1,2}\n",
                          "2026-W48": "week: 2026-W48\nsummary: a\tb\n"})
    assert checked(root, True) == checked(root, False)
    assert checked(root, True) == [
        "weeks/2026-W47.yaml:3:47: error: a comma in the value of 'with' started a new key",
        "  hint: quote the whole value of 'with', or write numbers without thousands separators",
        "weeks/2026-W48.yaml:2:11: error: tab character outside quotes",
        "  hint: use spaces; a tab may appear only inside quoted text",
    ]
    demo = Path(__file__).resolve().parent.parent / "content"
    assert checked(demo, True) == checked(demo, False) == []


# --- overrides: a week file's new text, checked before it is written (`traction log`) ---------


def test_an_override_is_read_instead_of_the_file_and_may_be_new(content: Content) -> None:
    root = content(weeks={"2026-W47": {"week": "2026-W47", "summary": "on disk"}})
    problems = Problems()
    found = load(root, problems, overrides={
        "weeks/2026-W47.yaml": "week: 2026-W47\nsummary: in memory\n",
        "weeks/2026-W48.yaml": "week: 2026-W48\ncalls: 3\n"})
    assert [w.summary for w in found.weeks] == ["in memory"]
    assert found.unread_weeks == ("weeks/2026-W48.yaml",)
    assert [(p.pos.file, p.pos.line) for p in problems] == [("weeks/2026-W48.yaml", 2)]
    assert not (root / "weeks/2026-W48.yaml").exists()


def test_an_override_never_replaces_a_symbolic_link(content: Content, tmp_path: Path) -> None:
    root = content(weeks={"2026-W47": {"week": "2026-W47"}})
    (root / "weeks/2026-W48.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    problems = Problems()
    found = load(root, problems, overrides={"weeks/2026-W48.yaml": "week: 2026-W48\n"})
    assert [w.week for w in found.weeks] == ["2026-W47"]
    assert [p.message for p in problems if p.is_error] == [
        "is a symbolic link; Traction reads only files inside the content folder"]
