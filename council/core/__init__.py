"""Neutral building blocks shared by the council and the platform apps; they hold no data of either."""
