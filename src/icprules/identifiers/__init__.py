"""Identifier modules in python-stdnum's style: ``compact``, ``validate``, ``is_valid``.

Each wraps python-stdnum where it is right for real data and says where it is not.
Errors are stdnum's typed exceptions (``InvalidLength``, ``InvalidFormat``,
``InvalidChecksum``, ``InvalidComponent``).
"""
