"""Routes of the 公示: the council and its member institutions, for the municipality's public announcement."""

from flask import Blueprint

bp = Blueprint("notice", __name__, template_folder="templates")
