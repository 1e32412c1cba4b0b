"""Record versions, for offline work: a change made on a device applies only to the version it was based on.

`Versioned` gives a model an integer `version` that goes up by one on every save of an existing row, whichever
service saves it (pages, API, offline sync, workflow, allocations). Statements that change rows without save()
(bulk moves of the workflow, erasure) add `VERSION_BUMP` to their UPDATE. Services lock a row before they change it,
so the version in memory is the one in the database when it is raised.
"""

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class Versioned(models.Model):
    # A default in the database too: loaders that COPY rows (the large demo, imports) never name the column.
    version = models.PositiveIntegerField(
        _("phiên bản"), default=1, db_default=1, editable=False, help_text=_("Tăng 1 mỗi lần hồ sơ thay đổi.")
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding and self.pk is not None:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)


# For QuerySet.update(**VERSION_BUMP) and raw UPDATE statements ("version = version + 1").
VERSION_BUMP = {"version": F("version") + 1}
VERSION_BUMP_SQL = "version = version + 1"
