"""Routes of the 公示: the council and its member institutions, for the municipality's public announcement."""
