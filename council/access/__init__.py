"""The one access policy of the council side: roles, permissions and (later) which cases a user may see."""
