"""Built-in primitive checks and transforms, one module per topic.

Importing this package registers them all (see :mod:`icprules.registry`).
"""

from . import app, contact, identity, language, names, network, text  # noqa: F401
