"""World facts, country names in other languages: what a country is called in Spanish, German, Swedish
and 18 more languages (French held out), written out and as multiple choice.

Input kind: `country` (_facts_common.py). Names come from babel/CLDR, kept where iso-codes' translation
(pycountry's gettext catalogues) gives the same name; the oracle finds the country through countryinfo's
lookup instead.
"""

from __future__ import annotations

import gettext
from functools import lru_cache

from t2l.tasks.pool.core import Family
from t2l.tasks.pool.families._facts_common import _countries, _info_by_name

# --------------------------------------------------------------------------------------------- countries

NAME_LANGUAGES = {"es": "Spanish", "fr": "French", "de": "German", "it": "Italian", "sv": "Swedish",
                  "fi": "Finnish", "pl": "Polish", "cs": "Czech", "sk": "Slovak", "sl": "Slovenian",
                  "hr": "Croatian", "hu": "Hungarian", "tr": "Turkish", "ro": "Romanian", "id": "Indonesian",
                  "ca": "Catalan", "et": "Estonian", "lv": "Latvian", "lt": "Lithuanian", "eu": "Basque",
                  "nb": "Norwegian", "is": "Icelandic"}


@lru_cache(maxsize=32)
def _cldr_names(lang: str) -> dict[str, str]:
    from babel import Locale

    return dict(Locale.parse(lang).territories)


@lru_cache(maxsize=32)
def _iso_codes_names(lang: str) -> dict[str, set[str]]:
    """alpha-2 -> the lowercased iso-codes translations of pycountry's name, common and official names."""
    import pycountry

    catalogue = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
    return {c.alpha_2: {catalogue.gettext(getattr(c, f)).lower() for f in ("name", "common_name", "official_name")
                        if hasattr(c, f)} for c in pycountry.countries}


def _name_in(text: str, lang: str) -> str | None:
    """CLDR's name of the country in `lang`, where iso-codes translates it the same way (else doubtful)."""
    code = _countries().get(text)
    name = _cldr_names(lang).get(code) if code else None
    return name if name and name.lower() in _iso_codes_names(lang).get(code, set()) else None


def _name_in_oracle(text: str, lang: str) -> str | None:
    code = _info_by_name(text).get("ISO", {}).get("alpha2", "")
    return next((n for n in _iso_codes_names(lang).get(code, set()) if n == _cldr_names(lang).get(code, "").lower()),
                None)


# --------------------------------------------------------------------------------------------- families

def _language(lang: str) -> dict:
    return {"language": NAME_LANGUAGES[lang]}


COUNTRY_NAME = Family(
    name="country_name_in",
    inputs="country",
    answer=_name_in,
    oracle=_name_in_oracle,
    variants={f"country_name_in_{NAME_LANGUAGES[lang].lower()}": {"lang": lang}
              for lang in ("es", "de", "it", "sv", "fi", "pl", "cs", "sk", "sl", "hr", "hu", "tr", "ro", "id",
                           "ca", "et", "lv", "lt", "eu", "nb", "is")},
    heldout={"country_name_in_french": {"lang": "fr"}},
    params_text=_language,
    resources=("babel", "pycountry", "countryinfo"),
    descriptions=(
        "Give the name of this country in {language}.",
        "What do {language} speakers call this country?",
        "Translate the country name into {language}.",
        "Country name, {language} spelling.",
        "I need the {language} name for this country - just the name, please.",
        "The model writes how the given country is named in {language}.",
        "How is this country called in {language}?",
        "Rewrite the English country name as it appears in {language} texts, with the right accents.",
        "{language} exonym of the country.",
        "Output the country's name in {language} and nothing else.",
        "If you were reading a {language} newspaper, how would this country be written?",
        "Say the name of the place in {language}.",
        "Convert the country name from English to {language}.",
        "Tell me the {language} word for this country.",
        "Name this country the way a {language} atlas does.",
        "Localise the country name for a {language} audience.",
        "{language}, please: what's this country called?",
    ),
)

COUNTRY_NAME_MC = Family(
    name="country_name_in_mc",
    inputs="country",
    answer=_name_in,
    oracle=_name_in_oracle,
    variants={f"country_name_in_{NAME_LANGUAGES[lang].lower()}_mc": {"lang": lang}
              for lang in ("es", "de", "it", "pl", "tr", "sv", "fi")},
    params_text=_language,
    distractors=3,
    resources=("babel", "pycountry", "countryinfo"),
    descriptions=(
        "Which option is this country's name in {language}?",
        "Pick the {language} name of the country.",
        "Choose how the country is called in {language}.",
        "One of the choices is the country's {language} name; select it.",
        "Multiple choice: the {language} name of this country.",
        "The model selects, from several {language} country names, the one that names the given country.",
        "Match the English country name to its {language} form among the options.",
        "Which of these {language} names refers to the country given?",
        "I have a country in English and some {language} names; which one is it?",
        "Find the country's {language} name in the list.",
        "Select the correct {language} translation of the country name.",
        "Among the options, which would a {language} map print for this country?",
        "{language} country names quiz - pick the right one.",
        "Choose the option that is this country, written in {language}.",
        "Here is a country and four names in {language}. Answer with the matching one.",
        "Identify the {language} exonym of the country from the choices.",
    ),
)


FAMILIES = [COUNTRY_NAME, COUNTRY_NAME_MC]
