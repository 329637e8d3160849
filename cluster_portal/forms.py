"""Form helpers shared by the apps."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class ModelErrorsAboveFormMixin:
    """Model validation errors about fields the form does not show (the province, fixed by
    the URL; the year) go above the form instead of raising "has no field named" (500)."""

    def _update_errors(self, errors: ValidationError) -> None:
        if hasattr(errors, "error_dict"):
            moved = [key for key in errors.error_dict if key not in self.fields]
            for key in moved:
                if key == NON_FIELD_ERRORS:
                    continue
                errors.error_dict.setdefault(NON_FIELD_ERRORS, []).extend(
                    errors.error_dict.pop(key)
                )
        super()._update_errors(errors)
