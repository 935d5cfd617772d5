"""council: case coordination for a 孤独・孤立対策地域協議会.

This module stays light on purpose: importing ``council.platform`` must not load any council-side
module, so the council side is imported inside :func:`create_app` only.
"""


def create_app(test_config=None):
    """Build the council-side Flask application (see ``council.application``)."""
    from council.application import build_app

    return build_app(test_config)
