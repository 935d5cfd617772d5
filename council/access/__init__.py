"""The one access policy of the council side: roles and permissions (``permissions``), what each scope of a case
allows (``scopes``), shares of a case (``models``, written only by ``grants``), and which cases a user reaches and
for what (``policy``: ``visible_cases``, ``authorize``); the case gate every case route goes through (``gate``) and
the recorded reads whose receipts let the vault open a case's fields (``reads``)."""
