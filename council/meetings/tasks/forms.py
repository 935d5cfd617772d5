"""Forms of the tasks page: completing a task (a button with the version of the task as listed)."""

from wtforms import HiddenField

from council.core.forms import Form


class CompleteForm(Form):
    version = HiddenField()
