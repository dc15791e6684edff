"""The one refusal of this package."""

from __future__ import annotations


class InvalidCode(ValueError):
    """A code that breaks its standard; the message (Chinese) says which rule."""
