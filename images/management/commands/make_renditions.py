from django.core.management.base import BaseCommand

from images.models import Image
from images.renditions import make_renditions


class Command(BaseCommand):
    help = (
        "Make every library image's missing renditions (after changing IMAGE_RENDITION_WIDTHS, or on a "
        "Pillow that writes AVIF). Existing files are left alone; safe to repeat."
    )

    def handle(self, *args, **options):
        made = images = 0
        for image in Image.objects.order_by("pk").iterator():
            count = make_renditions(image.ref)
            made += count
            images += bool(count)
        self.stdout.write(f"Made {made} rendition(s) for {images} image(s).")
