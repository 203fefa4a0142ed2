"""What this app's access-log events mean for the patient's access report (autodiscovered by
the audit app)."""

from django.utils.translation import gettext_lazy as _

from palliare.audit import labels

labels.register(
    {
        "referrals.sent": _("referred the patient"),
        "referrals.accepted": _("accepted the referral"),
        "referrals.declined": _("declined the referral"),
        "referrals.admitted": _("recorded the admission"),
        "referrals.withdrawn": _("withdrew the referral"),
        "referrals.feedback_given": _("gave feedback on the care plan at admission"),
        "referrals.referral_read": _("opened the referral"),
        "referrals.worklist_viewed": _("saw the patient in the list of referrals"),
    }
)
