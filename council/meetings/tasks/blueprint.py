"""Routes of the tasks (役割分担) meetings gave institutions."""

from flask import Blueprint

bp = Blueprint("tasks", __name__, template_folder="templates")
