"""Routes of meetings: scheduling, agendas, participants and the briefs read in the material window."""

from flask import Blueprint

bp = Blueprint("meetings", __name__, template_folder="templates")
