"""The example text `traction init` and `traction new week` write, for a founder to replace.

One list, read by the rule that warns when such text is about to be published
(`rules.placeholders_left`). The templates in `generator/tools/scaffold/` write these
strings; `tests/test_rules.py` checks that each one still appears there, so a template
reworded without this list fails a test instead of silently slipping past `check`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

# Published values written by the templates, compared whole, ignoring case and the
# surrounding white space.
PLACEHOLDER_TEXTS = frozenset(text.casefold() for text in (
    "What you do, in one line",  # company.tagline
    "Our road from first call to repeatable sales, week by week.",  # site.description
    "What happened, what we learned, what's next.",  # a week's summary
    "How a customer got to hell yes",  # a case study's title
    "One sentence: the problem, what changed, the result.",  # a case study's summary
))
# Values anyone leaves in a template, whichever template it was.
FILLER_TEXTS = frozenset({"todo", "tbd", "fixme", "xxx", "...", "…", "lorem ipsum"})

# Hosts of a site URL that cannot be where the site is published: the scaffold's example
# (`https://example.github.io/progress/`), the owner placeholders of GitHub Pages URLs in
# documentation, and the domains reserved for examples (RFC 2606).
EXAMPLE_SITE_HOSTS = frozenset({
    "example.github.io", "owner.github.io", "user.github.io", "username.github.io",
    "your-name.github.io", "example.com", "example.org", "example.net",
})


def is_placeholder(text: str) -> bool:
    """Whether a published value is template text left unchanged."""
    value = " ".join(text.split()).casefold()
    return value in PLACEHOLDER_TEXTS or value in FILLER_TEXTS


def is_example_url(url: str) -> bool:
    """Whether a site URL is an example's, not a real address."""
    host = (urlsplit(url).hostname or "").rstrip(".")
    return host in EXAMPLE_SITE_HOSTS or host.endswith(_EXAMPLE_SUFFIXES)


_EXAMPLE_SUFFIXES = (".example", ".invalid", ".test", ".example.com", ".example.org",
                     ".example.net")
