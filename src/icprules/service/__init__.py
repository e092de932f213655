"""The HTTP service (``pip install 'icprules[serve]'``, then ``icprules serve``).

Nothing in the library imports this package: FastAPI, uvicorn and python-multipart are needed
only here.
"""
