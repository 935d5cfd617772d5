"""The 官民連携プラットフォーム: a non-personal collaboration space, apart from the council by construction.

Nothing here imports the council side (an import-linter contract checks it): the platform starts with
no council database, no council keys and no council instance files.
"""


def create_app(test_config=None):
    """Build the platform Flask application."""
    from council.platform.application import build_app

    return build_app(test_config)
