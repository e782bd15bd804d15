"""Routes of the planning blueprint; importing this module attaches every route to ``bp``."""

from lms.planning import bp  # noqa: F401
from lms.planning import aspiration_views  # noqa: F401
from lms.planning import plan_views  # noqa: F401
from lms.planning import compile_views  # noqa: F401
