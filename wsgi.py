"""Both apps in one process for local use: the council at /, the platform at /platform.

Still two databases, two secret keys and two session cookies. In production run them apart:
``gunicorn 'council:create_app()'`` and ``gunicorn 'council.platform:create_app()'``.
Local: ``gunicorn wsgi:app``.
"""

from council.application import serve_both

app = serve_both()
