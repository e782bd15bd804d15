"""Routes of the admin blueprint."""

from lms.admin import bp

__all__ = ["bp"]
