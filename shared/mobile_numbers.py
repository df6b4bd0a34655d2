"""Mobile numbers of France and of its overseas departments, parsed by ``phonenumbers``.

A number is kept in its national form (``0690123456``: what the person types and recognises;
masks and displays are built on it). The national form alone does not say the country code:
``06 12 …`` is +33, but ``0690``/``0691`` is Guadeloupe (+590), ``0694`` Guyane (+594),
``0696``/``0697`` Martinique (+596), ``0692``/``0693`` La Réunion and ``0639`` Mayotte (+262).
``phonenumbers`` knows those ranges (its metadata is kept up to date by Google's libphonenumber):
the SMS gateway gets the right E.164 number.

>>> national_mobile("+590 690 12 34 56")
'0690123456'
>>> international("0690123456")
'+590690123456'
>>> international("0612345678")
'+33612345678'
"""

from __future__ import annotations

import phonenumbers

#: metropolitan France, Guadeloupe, Martinique, Guyane, La Réunion, Mayotte
REGIONS = ("FR", "GP", "MQ", "GF", "RE", "YT")
_COUNTRY_CODES = {phonenumbers.country_code_for_region(region) for region in REGIONS}
_MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def national_mobile(raw: str) -> str | None:
    """The 10-digit national form of a French mobile, wherever it is; None if it is not one.

    Written with any French country code (+33, +262, +590, +594, +596), 00 or a leading 0.
    """
    try:
        parsed = phonenumbers.parse(raw or "", "FR")
    except phonenumbers.NumberParseException:
        return None
    if parsed.country_code not in _COUNTRY_CODES:
        return None
    national = "0" + phonenumbers.national_significant_number(parsed)
    return national if _mobile_of(national) is not None else None


def international(national: str) -> str:
    """E.164 of a number kept in national form (the country code follows its range)."""
    parsed = _mobile_of(national)
    if parsed is None:  # stored before these checks, or not a mobile: as France would dial it
        parsed = phonenumbers.parse(national, "FR")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _mobile_of(national: str) -> phonenumbers.PhoneNumber | None:
    if len(national) != 10:
        return None
    for region in REGIONS:
        parsed = phonenumbers.parse(national, region)
        if (
            phonenumbers.is_valid_number_for_region(parsed, region)
            and phonenumbers.number_type(parsed) in _MOBILE_TYPES
        ):
            return parsed
    return None
