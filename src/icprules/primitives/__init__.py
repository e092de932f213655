"""Built-in primitive checks and transforms, one module per topic.

Importing this package registers them all (see :mod:`icprules.registry`).
"""

from . import app, attachments, contact, evidence, fields, identity, language, names, network, records, text  # noqa: F401
