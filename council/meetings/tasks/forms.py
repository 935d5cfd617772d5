"""Forms of the tasks page: completing a task (a button with the version of the task as listed)."""

from flask_wtf import FlaskForm
from wtforms import HiddenField


class CompleteForm(FlaskForm):
    version = HiddenField()
