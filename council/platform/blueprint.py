"""Platform routes. Each declares its permission or is explicitly public."""

from flask import Blueprint, render_template
from flask_login import current_user

from council.core.permissions import PUBLIC, route

bp = Blueprint("platform", __name__, template_folder="templates")


def home():
    return render_template("platform/home.html", user=current_user)


route(bp, "/", home, permission=PUBLIC)
