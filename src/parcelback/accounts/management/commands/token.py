"""`parcelback token create USERNAME` prints a new API token once; `list` and `revoke` manage them."""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parcelback.accounts.actors import actor_for
from parcelback.accounts.models import ApiToken
from parcelback.accounts.tokens import forget


class Command(BaseCommand):
    help = "Create, list or revoke API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="issue a token for USERNAME and print it once")
        create.add_argument("username")
        create.add_argument("--name", default="", help="what the token is for, e.g. 'WMS sync'")
        listing = sub.add_parser("list", help="a user's tokens (prefixes only)")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="revoke a token by its prefix (as listed) or the whole token")
        revoke.add_argument("token")

    def handle(self, *args, action, **options):
        getattr(self, f"do_{action}")(**options)

    def _user(self, username):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        return user

    def do_create(self, username, name, **options):
        user = self._user(username)
        if actor_for(user).role is None:
            raise CommandError(f"{username!r} has no role (no membership and not a superuser): a token could do nothing.")
        _token, secret = ApiToken.issue(user=user, name=name)
        self.stderr.write("Token created. It is shown only now; store it safely:")
        self.stdout.write(secret)

    def do_list(self, username, **options):
        for token in ApiToken.objects.filter(user=self._user(username)).order_by("created_at"):
            state = f"revoked {token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else "active"
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            self.stdout.write(f"{token.prefix}  {state:<24} last used {used:<16} {token.name}")

    def do_revoke(self, token, **options):
        tokens = ApiToken.objects.filter(revoked_at__isnull=True)
        match = tokens.filter(key_hash=ApiToken.hash(token)) if token.startswith("pb_") and len(token) > 12 else tokens.filter(prefix=token)
        count = match.count()
        if count != 1:
            raise CommandError("No active token matches." if count == 0 else "Several tokens share that prefix; give the whole token.")
        key_hash = match.values_list("key_hash", flat=True).get()
        match.update(revoked_at=timezone.now())
        forget(key_hash)
        seconds = settings.PARCELBACK_TOKEN_CACHE_SECONDS
        self.stdout.write(f"Token revoked; running servers refuse it within {seconds:g} s." if seconds else "Token revoked.")
