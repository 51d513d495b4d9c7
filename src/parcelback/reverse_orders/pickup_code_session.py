"""The pickup code after it is issued (registration, reissue, an instruction import): kept sealed in the user's
session for a few minutes so a reload or the printable pickup slip still shows it, never stored in plain text.
Not a page module, so the instruction imports may hand their codes to the same pages."""
import time

from parcelback.core.sealing import seal, unseal

CODE_SEAL = "pickup-code"
# Long enough to copy, print or reload the page; short enough that a shared screen does not keep showing it.
KEEP_SECONDS = 10 * 60
clock = time.time  # seconds since the epoch; replaced in tests to let a kept code expire


def sealed_code(code: str | None) -> str | None:
    """A pickup code as the session may hold it: sealed, never plain."""
    return seal(code, purpose=CODE_SEAL) if code else None


def unsealed_code(sealed: str | None) -> str | None:
    """The code again, for the pages that show it; None if it was not sealed here (or under a retired key)."""
    try:
        return unseal(sealed, purpose=CODE_SEAL).decode() if sealed else None
    except ValueError:
        return None


def keep_codes(request, key: str, done: dict) -> None:
    """Keep what a registration or reissue produced (its codes sealed) for this user for KEEP_SECONDS."""
    request.session[key] = done | {"until": clock() + KEEP_SECONDS}


def kept_codes(request, key: str) -> dict | None:
    """What `keep_codes` kept, while it lasts; dropped from the session once expired."""
    done = request.session.get(key)
    if done and done.get("until", 0) > clock():
        return done
    request.session.pop(key, None)
    return None


def code_groups(done: dict, orders: list) -> list[dict]:
    """One entry per issued code: its warehouse, the code in clear (for this response only) and its orders."""
    by_number = {o.number: o for o in orders}
    groups = []
    for kept in done.get("codes", []):
        group = [by_number[n] for n in kept["numbers"] if n in by_number]
        if group:
            groups.append({"warehouse": group[0].warehouse, "code": unsealed_code(kept["sealed_code"]), "orders": group})
    return groups
