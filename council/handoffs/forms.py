"""Forms of the handoff pages: sending a referral or transfer, asking for one, and the panel's buttons."""

from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from council.access.models import LegalBasis
from council.access.scopes import Scope
from council.core.forms import Form, SelectField
from council.core.i18n import lazy_gettext as _l
from council.handoffs.models import HandoffKind


class SendForm(Form):
    """A referral or a transfer, by the lead. Choices of institutions, workers and consents are the case's."""

    kind = RadioField(_l("What to do"), choices=[(HandoffKind.REFERRAL.value, HandoffKind.REFERRAL.label),
                                                 (HandoffKind.TRANSFER.value, HandoffKind.TRANSFER.label)],
                      default=HandoffKind.REFERRAL.value, validators=[DataRequired()])
    receiver = SelectField(_l("Receiving institution"), coerce=int, validators=[DataRequired()])
    receiver_user = SelectField(_l("Addressed to (optional)"), coerce=int, default=0, validators=[Optional()])
    scope = RadioField(_l("What the receiver sees (a referral)"),
                       choices=[(Scope.SUMMARY.value, _l("The summary (要約): number, concerns, urgency, plan, who "
                                                         "made contact")),
                                (Scope.FULL.value, _l("Everything (全部), to work on the case"))],
                       default=Scope.SUMMARY.value, validators=[DataRequired()])
    legal_basis = RadioField(_l("Legal basis"), choices=[(b.value, b.label) for b in LegalBasis],
                             validators=[DataRequired()])
    consent = SelectField(_l("The consent it rests on (本人同意)"), coerce=int, default=0, validators=[Optional()])
    emergency_reason = TextAreaField(_l("Why it cannot wait (緊急)"), validators=[Optional(), Length(max=2000)])
    message = TextAreaField(_l("Message to the receiver"), validators=[Optional(), Length(max=2000)])
    answers = HiddenField()


class AskTransferForm(Form):
    """移管の申し出: why the asker's institution should lead the case."""

    message = TextAreaField(_l("Why your institution should lead the case"),
                            validators=[DataRequired(), Length(max=2000)])


class AskReferralForm(Form):
    """つなぎの依頼 from the duplicate check: a confirmation only (the asker writes nothing about the person)."""

    hit = HiddenField(validators=[DataRequired()])


class ReasonForm(Form):
    """The panel's buttons: accept, decline, cancel, end, approve. A reason where one is needed; the version the
    page showed (two people answering at once: the second is told)."""

    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])
    version = HiddenField()
    #: Which handoff the refused form was for (the panel opens its reason again).
    handoff = HiddenField()
