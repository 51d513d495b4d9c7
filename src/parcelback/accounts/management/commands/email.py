"""`parcelback email set USERNAME ADDRESS` sets where a person's notification emails go; `show` prints it and
`test` sends them a test email through the configured mail server (EMAIL_HOST, or the console without it)."""
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email


class Command(BaseCommand):
    help = "Set, show or test a person's email address for notifications."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        change = sub.add_parser("set", help="set USERNAME's address ('' removes it: no more emails)")
        change.add_argument("username")
        change.add_argument("address")
        show = sub.add_parser("show", help="print USERNAME's address")
        show.add_argument("username")
        test = sub.add_parser("test", help="send USERNAME a test email now")
        test.add_argument("username")

    def handle(self, *args, action, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        getattr(self, f"do_{action}")(user, **options)

    def do_set(self, user, address, **options):
        address = address.strip()
        if address:
            try:
                validate_email(address)
            except ValidationError:
                raise CommandError(f"{address!r} is not an email address.") from None
        user.email = address
        user.save(update_fields=["email"])
        self.stdout.write(f"{user.username}: {address or '(no address: no emails)'}")

    def do_show(self, user, **options):
        self.stdout.write(user.email or "(no address)")

    def do_test(self, user, **options):
        if not user.email:
            raise CommandError(f"{user.username!r} has no address; set one first.")
        try:
            send_mail("Parcelback test", "This is a test email from Parcelback.", None, [user.email])
        except OSError as error:  # smtplib's errors are OSErrors too
            raise CommandError(f"Not sent: {error}") from None
        self.stdout.write(f"Sent to {user.email}.")
