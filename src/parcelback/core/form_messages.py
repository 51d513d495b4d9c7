"""Django's own form messages, said in the console's voice. Listing them here puts them in our catalogs, which
come before Django's: a page never mixes "这个字段是必填项。" with our "必填", nor Django's punctuation with ours.
Nothing imports this module; `makemessages` reads it."""
from django.utils.translation import gettext_noop, ngettext_lazy

MESSAGES = [
    gettext_noop("This field is required."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a valid date."),
    gettext_noop("Enter a valid date/time."),
    gettext_noop("Enter a valid URL."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("No file was submitted. Check the encoding type on the form."),
    gettext_noop("No file was submitted."),
    gettext_noop("The submitted file is empty."),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy("Please submit at least %(num)d form.", "Please submit at least %(num)d forms.", "num"),
    ngettext_lazy("Please submit at most %(num)d form.", "Please submit at most %(num)d forms.", "num"),
]
