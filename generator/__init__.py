"""Traction: a startup's plain-text traction log turned into a progress site."""

__version__ = "0.1.0"
