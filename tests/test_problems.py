"""Problems as data: sorting, --strict, and the text / JSON / GitHub formats."""

from __future__ import annotations

import json

from generator.problems import (
    Pos,
    Problem,
    Problems,
    error,
    format_github,
    format_json,
    format_text,
    promote_warnings,
    sort_problems,
    summary_line,
)


def warning(pos: Pos, message: str, hint: str | None = None) -> Problem:
    return Problem("warning", pos, message, hint)


E1 = error(Pos("weeks/2026-W47.yaml", 3, 5), "unknown key 'cals'", "did you mean 'calls'?")
W1 = warning(Pos("weeks/2026-W47.yaml", 1, 7), "no log for 2026-W46; counted as no activity")


# --- the one way problems are collected ---------------------------------------------------

def test_problems_keep_what_was_reported_in_order_and_count_the_errors() -> None:
    found = Problems()
    found.warning(W1.pos, W1.message)
    assert found.errors == 0
    found.error(E1.pos, E1.message, E1.hint)
    found.add(error(Pos("a.yaml"), "x"))
    found.add(W1)
    assert found.errors == 2 and len(found) == 4
    assert list(found) == [W1, E1, error(Pos("a.yaml"), "x"), W1]
    assert found.sorted() == (error(Pos("a.yaml"), "x"), W1, E1)  # duplicates dropped


def test_problems_start_from_earlier_ones() -> None:
    found = Problems([E1, W1])
    assert found.errors == 1 and list(found) == [E1, W1]


# --- sorting ----------------------------------------------------------------------------

def test_sorted_by_file_then_numeric_line_then_column() -> None:
    found = [
        error(Pos("weeks/2026-W47.yaml", 10, 1), "c"),
        error(Pos("weeks/2026-W47.yaml", 9, 30), "b"),
        error(Pos("weeks/2026-W47.yaml", 9, 4), "a"),
        error(Pos("case-studies/x.md", 20, 1), "d"),
        error(Pos("traction.yaml", 2, 1), "e"),
        error(Pos("weeks/2026-W10.yaml", 99, 1), "f"),
    ]
    assert [str(p.pos) for p in sort_problems(found)] == [
        "case-studies/x.md:20:1",
        "traction.yaml:2:1",
        "weeks/2026-W10.yaml:99:1",
        "weeks/2026-W47.yaml:9:4",
        "weeks/2026-W47.yaml:9:30",  # columns compare as numbers, not text
        "weeks/2026-W47.yaml:10:1",  # so do lines
    ]


def test_at_one_place_errors_come_before_warnings_then_by_message() -> None:
    here = Pos("weeks/2026-W47.yaml", 4, 2)
    found = [warning(here, "a warning"), error(here, "z error"), error(here, "b error")]
    assert [(p.severity, p.message) for p in sort_problems(found)] == [
        ("error", "b error"), ("error", "z error"), ("warning", "a warning")]


def test_identical_problems_are_reported_once() -> None:
    assert sort_problems([E1, W1, E1]) == [W1, E1]


def test_sorting_is_independent_of_input_order() -> None:
    found = [E1, W1, error(Pos("a.yaml"), "x"), warning(Pos("a.yaml"), "x")]
    assert sort_problems(found) == sort_problems(list(reversed(found)))


# --- --strict ---------------------------------------------------------------------------

def test_strict_turns_every_warning_into_an_error_and_keeps_the_rest() -> None:
    promoted = promote_warnings([W1, E1])
    assert promoted == [
        Problem("error", W1.pos, W1.message, W1.hint),
        E1,
    ]
    assert all(p.is_error for p in promoted)
    assert W1.severity == "warning"  # records are immutable; the original is unchanged


def test_summary_line_counts() -> None:
    assert summary_line([]) == "0 errors, 0 warnings"
    assert summary_line([E1]) == "1 error, 0 warnings"
    assert summary_line([E1, E1, W1]) == "2 errors, 1 warning"
    assert summary_line(promote_warnings([E1, W1])) == "2 errors, 0 warnings"


# --- text -------------------------------------------------------------------------------

def test_text_format_is_path_line_col_severity_message_then_hint() -> None:
    """Errors first, then warnings: the warning on line 1 comes after the error on line 3."""
    assert format_text([W1, E1]) == (
        "weeks/2026-W47.yaml:3:5: error: unknown key 'cals'\n"
        "  hint: did you mean 'calls'?\n"
        "weeks/2026-W47.yaml:1:7: warning: no log for 2026-W46; counted as no activity"
    )
    assert format_text([]) == ""


def test_text_format_shows_control_characters_escaped() -> None:
    """A quoted value with a newline cannot start a line of its own (a fake annotation in a
    CI log), nor send terminal escapes."""
    sneaky = Problem("error", Pos("weeks/2026-W47.yaml", 2, 3),
                     "'a\n::error file=x::pwned\x1b[2J' is not a real date", "hint\rline")
    text = format_text([sneaky])
    assert text == ("weeks/2026-W47.yaml:2:3: error: 'a\\u000a::error file=x::pwned\\u001b[2J' "
                    "is not a real date\n  hint: hint\\u000dline")
    assert len(text.splitlines()) == 2


def test_text_colour_marks_only_the_severity() -> None:
    coloured = format_text([E1, W1], color=True)
    assert coloured.splitlines() == [
        "weeks/2026-W47.yaml:3:5: \x1b[1;31merror\x1b[0m: unknown key 'cals'",
        "  hint: did you mean 'calls'?",
        "weeks/2026-W47.yaml:1:7: \x1b[1;33mwarning\x1b[0m: no log for 2026-W46; counted as no "
        "activity",
    ]
    assert "\x1b" not in format_text([E1, W1])


# --- JSON -------------------------------------------------------------------------------

def test_json_format() -> None:
    doc = json.loads(format_json([W1, E1]))
    assert doc == {
        "ok": False,
        "errors": 1,
        "warnings": 1,
        "problems": [
            {"severity": "warning", "file": "weeks/2026-W47.yaml", "line": 1, "col": 7,
             "message": "no log for 2026-W46; counted as no activity", "hint": None},
            {"severity": "error", "file": "weeks/2026-W47.yaml", "line": 3, "col": 5,
             "message": "unknown key 'cals'", "hint": "did you mean 'calls'?"},
        ],
    }
    assert list(doc) == ["ok", "errors", "warnings", "problems"]
    assert list(doc["problems"][0]) == ["severity", "file", "line", "col", "message", "hint"]


def test_json_with_only_warnings_is_ok_and_strict_is_not() -> None:
    assert json.loads(format_json([W1]))["ok"] is True
    assert json.loads(format_json(promote_warnings([W1])))["ok"] is False
    assert json.loads(format_json([])) == {"ok": True, "errors": 0, "warnings": 0,
                                           "problems": []}


def test_json_keeps_unicode_readable() -> None:
    text = format_json([error(Pos("pages/über.md"), "title “Café” is too long")])
    assert "über.md" in text and "“Café”" in text
    assert json.loads(text)["problems"][0]["file"] == "pages/über.md"


# --- GitHub workflow commands -----------------------------------------------------------

def test_github_annotation_line() -> None:
    assert format_github([E1, W1], "content/").splitlines() == [
        "::error file=content/weeks/2026-W47.yaml,line=3,col=5,title=traction check"
        "::unknown key 'cals' (hint: did you mean 'calls'?)",
        "::warning file=content/weeks/2026-W47.yaml,line=1,col=7,title=traction check"
        "::no log for 2026-W46; counted as no activity",
    ]
    assert format_github([]) == ""


def test_github_escapes_percent_and_newlines_in_the_message() -> None:
    problem = error(Pos("weeks/2026-W47.yaml", 2, 1), "rate 90% is\nnot\r\nreached: a, b",
                    "use 0.9%")
    (line,) = format_github([problem]).splitlines()
    assert line == ("::error file=weeks/2026-W47.yaml,line=2,col=1,title=traction check"
                    "::rate 90%25 is%0Anot%0D%0Areached: a, b (hint: use 0.9%25)")


def test_github_escapes_colon_comma_and_percent_in_properties() -> None:
    problem = error(Pos("weeks/a,b:c%d.yaml", 1, 1), "x")
    (line,) = format_github([problem], "my content,dir/").splitlines()
    assert line == ("::error file=my content%2Cdir/weeks/a%2Cb%3Ac%25d.yaml,line=1,col=1,"
                    "title=traction check::x")


def test_github_annotation_is_always_one_line_per_problem() -> None:
    problems = [error(Pos("f.yaml", n, 1), "a\nb\nc", "d\ne") for n in range(1, 4)]
    assert len(format_github(problems).splitlines()) == 3
