"""Routes of the authoring blueprint."""

from lms.authoring import bp

__all__ = ["bp"]
