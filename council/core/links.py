"""Full links printed by the command line (setup links), where there is no request to take a host from."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask

#: Where `make run` serves both apps (README, Quickstart). Without TRUSTED_HOSTS, printed links point here.
LOCAL_ADDRESS = "127.0.0.1:5000"


def external_base(config, *, local_root: str = "") -> str:
    """Scheme, host and root under which users reach the app, as configured.

    ``PREFERRED_URL_SCHEME`` and the first name in ``TRUSTED_HOSTS`` (which production requires); a
    wildcard entry ``.example.jp`` gives ``example.jp``. Without trusted hosts this is a local
    installation: :data:`LOCAL_ADDRESS` followed by ``local_root`` (the platform's ``/platform`` there).
    """
    scheme = config.get("PREFERRED_URL_SCHEME") or "http"
    hosts = [name for name in config.get("TRUSTED_HOSTS") or [] if name.strip(".")]
    if hosts:
        return f"{scheme}://{hosts[0].lstrip('.')}"
    return f"{scheme}://{LOCAL_ADDRESS}{local_root}"


def external_link(app: Flask, endpoint: str, *, base_url: str | None = None, local_root: str = "",
                  **values) -> str:
    """The full URL of ``endpoint`` with ``values``, under ``base_url`` or else :func:`external_base`.

    Built from the app's own URL map, so it needs no request context and always matches the routes.
    """
    parts = urlsplit(base_url or external_base(app.config, local_root=local_root))
    adapter = app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)
