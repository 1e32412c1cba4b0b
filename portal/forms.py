from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.forms.utils import flatatt
from django.template import loader
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
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


class PlainSelect(forms.Select):
    """A select whose options are written in Python instead of one template render each.

    Django renders every <option> through a template (about 0.1 ms each); a province's village filter has
    thousands: drawing the filter form was 70 % of the needs list page (issue 7's profile).
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(option), mark_safe(" selected") if str(option) in chosen else "", label)
                for option, label in self.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )
