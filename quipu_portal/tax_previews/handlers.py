"""The ``tax_preview`` job kind: read the documents page by page, then compute the figures once."""

from django.utils.translation import gettext_lazy as _

from quipu_portal.jobs.registry import JobHandler, Preparation, register_handler
from quipu_portal.tax_previews import services
from quipu_portal.tax_previews.kinds import TAX_PREVIEW
from quipu_portal.tax_previews.models import TaxPreview


class TaxPreviewHandler(JobHandler):
    kind = TAX_PREVIEW
    label = _("Tax preview")
    # The user asked for the preview: once its documents are read, it is computed at once.
    starts_when_prepared = True

    def prepare(self, *, job, client) -> Preparation:
        preview = TaxPreview.objects.get(job=job)
        reading = services.tax_preview_read_page(
            client=client, preview=preview, reading=job.params["preparing"]
        )
        return Preparation(items=[], state=reading, done=reading["next_page"] is None)

    def finish(self, *, job) -> None:
        preview = TaxPreview.objects.filter(job=job).first()
        if preview is not None:
            services.tax_preview_finish(preview=preview)


register_handler(TaxPreviewHandler())
