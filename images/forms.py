from django import forms
from django.core.exceptions import ValidationError

from .library import add_image
from .models import Image


class ImageAddForm(forms.ModelForm):
    """The admin's "Add image": a file and what describes it. The picture is added to the library when
    the form is checked, so a refused file is an error on the form; the same picture again is the
    image already there (its blank details filled from this form)."""

    upload = forms.ImageField(
        label="Image file", help_text="JPEG, PNG, GIF or WebP. It is cleaned of metadata (such as GPS) on upload."
    )

    class Meta:
        model = Image
        fields = ["alt_text", "caption", "credit"]

    image: Image | None = None
    created = False

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        if upload is not None and not self.errors:
            try:
                self.image, self.created = add_image(
                    upload,
                    name=upload.name,
                    alt_text=cleaned.get("alt_text", ""),
                    caption=cleaned.get("caption", ""),
                    credit=cleaned.get("credit", ""),
                )
            except ValidationError as error:
                self.add_error("upload", error)
        return cleaned

    def save(self, commit=True):
        self.save_m2m = lambda: None  # no many-to-many fields; the admin calls it after save(commit=False)
        return self.image
