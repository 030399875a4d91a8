"""How an account may be named outside the process: its public name, or a stable alias.

Accounts that are not `public: true` are shown as "Customer N" everywhere: on the site and
in every message of `check`, the GitHub annotations and the pull-request comment.
"""

from __future__ import annotations

from generator.source.events import account_events
from generator.source.schema import Config, WeekLog


def aliases(config: Config, weeks: tuple[WeekLog, ...]) -> dict[str, str]:
    """Display names by account id: the public name, else "Customer N", N counting every
    account by its first event. Public accounts take a number too (unshown), so an account
    giving or withdrawing consent renames no other account."""
    names: dict[str, str] = {}
    # By first date, then id: reordering lines of a log renames nobody.
    for event in sorted(account_events(weeks), key=lambda e: (e.date, e.id)):
        if event.id in names:
            continue
        info = config.accounts.get(event.id)
        number = len(names) + 1
        if info is not None and info.public:
            names[event.id] = info.name or event.id
        else:
            names[event.id] = f"Customer {number}"
    for account_id, info in sorted(config.accounts.items()):
        if account_id not in names:
            names[account_id] = (info.name or account_id) if info.public else "A customer"
    return names


def account_ids(config: Config, weeks: tuple[WeekLog, ...]) -> set[str]:
    """Every account id the content knows: declared under `accounts:` or logged in a week."""
    return set(config.accounts) | {event.id for week in weeks for event in week.accounts}


def is_public(config: Config, account_id: str) -> bool:
    info = config.accounts.get(account_id)
    return info is not None and info.public


def shown_in_messages(config: Config, weeks: tuple[WeekLog, ...]) -> dict[str, str]:
    """How a message names each account: a public one by its quoted id ('acme'), any
    other by its alias (Customer 3), so no id of a non-public account is ever repeated."""
    return {account_id: f"'{account_id}'" if is_public(config, account_id) else name
            for account_id, name in aliases(config, weeks).items()}
