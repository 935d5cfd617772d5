"""The verification form: the chain alone (no text), or with checkpoint lines pasted from copies kept elsewhere
(another institution's copy of the checkpoint file, approved minutes). A text that holds no checkpoint is an error
on its field, the text kept: nothing is verified, so no result can look like a success."""

from wtforms import TextAreaField
from wtforms.validators import Length, ValidationError

from council.audit.checkpoints import CheckpointError, read_checkpoints
from council.core.forms import Form
from council.core.i18n import lazy_gettext as _l

#: The most checkpoint text an auditor may paste (a few hundred minutes' lines).
CHECKPOINT_TEXT_LIMIT = 100_000


class CheckpointForm(Form):
    checkpoints = TextAreaField(_l("Checkpoint lines"), validators=[
        Length(max=CHECKPOINT_TEXT_LIMIT, message=_l("At most %(n)s characters: verify the lines in several parts.",
                                                     n=f"{CHECKPOINT_TEXT_LIMIT:,}"))])

    def validate_checkpoints(self, field):
        if not (field.data or "").strip():
            return  # the chain alone
        try:
            read_checkpoints(field.data)
        except CheckpointError as error:
            if error.line is not None:
                raise ValidationError(_l("Line %(n)d is not a checkpoint: paste whole lines as printed under "
                                         "approved minutes or as in the checkpoint file.", n=error.line)) from None
            raise ValidationError(_l("The text holds no checkpoint: paste whole lines as printed under approved "
                                     "minutes or as in the checkpoint file.")) from None

    @property
    def text(self) -> str:
        return self.checkpoints.data or ""
