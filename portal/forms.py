from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.template import loader
from django.utils.translation import gettext_lazy as _

from portal.models import Village
from portal.tasks import enqueue, send_email


class QueuedPasswordResetForm(PasswordResetForm):
    """Password reset whose e-mail goes out from a Celery worker instead of the request."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        message = dict(subject=subject, body=body, to=[to_email])
        if not enqueue(send_email, **message):
            send_email.apply(kwargs=message)  # the broker is down: a locked-out user still gets the link


class VillageForm(forms.ModelForm):
    class Meta:
        model = Village
        fields = ["name"]
        labels = {"name": _("Tên thôn/bản")}

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.commune = commune

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())
