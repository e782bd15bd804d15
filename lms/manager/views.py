"""Routes of the manager blueprint."""

from lms.manager import bp

__all__ = ["bp"]
