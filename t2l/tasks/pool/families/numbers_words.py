"""Numbers in words: the number written out in English, Spanish, French, German or Italian, and its
ordinal ("twenty-first", "21st").

Input kind: `number` ("1".."999"). Answers come from num2words (and a suffix rule for "21st"); oracles
take another route: inflect for English, hand-written number-word converters for Spanish, French, German
and Italian 1-999.
"""

from __future__ import annotations

import re
from functools import lru_cache

from t2l.tasks.pool.core import Family
from t2l.tasks.pool.families._numbers_common import _phrases

# --------------------------------------------------------------------------------------------------
# number_words: the number written out in a language (num2words vs inflect / hand-written converters)

@lru_cache(maxsize=1)
def _inflect():
    import inflect

    return inflect.engine()


def _number_words(text: str, lang: str) -> str | None:
    from num2words import num2words

    n = int(text)
    if lang == "it" and ((n > 20 and n % 10 == 3) or (n > 100 and n % 100 == 18)):
        # doubtful in num2words 0.5.14: it accents a final -tré in "ventitré", "centotré" but not in
        # "centoventitre", and writes "centodicotto" for centodiciotto; those inputs are skipped
        return None
    return num2words(n, lang=lang)


_ES_LOW = ("cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince dieciséis "
           "diecisiete dieciocho diecinueve veinte veintiuno veintidós veintitrés veinticuatro veinticinco "
           "veintiséis veintisiete veintiocho veintinueve").split()
_ES_TENS = {3: "treinta", 4: "cuarenta", 5: "cincuenta", 6: "sesenta", 7: "setenta", 8: "ochenta", 9: "noventa"}
_ES_HUNDREDS = {1: "ciento", 2: "doscientos", 3: "trescientos", 4: "cuatrocientos", 5: "quinientos",
                6: "seiscientos", 7: "setecientos", 8: "ochocientos", 9: "novecientos"}


def _spanish(n: int) -> str:
    if n == 100:
        return "cien"
    if n > 100:
        h, r = divmod(n, 100)
        return _ES_HUNDREDS[h] + (" " + _spanish(r) if r else "")
    if n < 30:
        return _ES_LOW[n]
    t, u = divmod(n, 10)
    return _ES_TENS[t] + (" y " + _ES_LOW[u] if u else "")


_FR_LOW = ("zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze "
           "seize").split()
_FR_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}


def _french(n: int) -> str:
    if n >= 100:
        h, r = divmod(n, 100)
        head = "cent" if h == 1 else _FR_LOW[h] + " cent"
        return head + (" " + _french(r) if r else ("s" if h > 1 else ""))
    if n <= 16:
        return _FR_LOW[n]
    if n < 20:
        return "dix-" + _FR_LOW[n - 10]
    t, u = divmod(n, 10)
    if t <= 6:
        return _FR_TENS[t] + ("" if u == 0 else " et un" if u == 1 else "-" + _FR_LOW[u])
    if t == 7:
        return "soixante" + (" et onze" if u == 1 else "-" + _french(10 + u))
    if t == 8:
        return "quatre-vingts" if u == 0 else "quatre-vingt-" + _FR_LOW[u]
    return "quatre-vingt-" + _french(10 + u)


_DE_LOW = ("null eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn vierzehn fünfzehn "
           "sechzehn siebzehn achtzehn neunzehn").split()
_DE_TENS = {2: "zwanzig", 3: "dreißig", 4: "vierzig", 5: "fünfzig", 6: "sechzig", 7: "siebzig", 8: "achtzig",
            9: "neunzig"}


def _german(n: int) -> str:
    if n >= 100:
        h, r = divmod(n, 100)
        return ("ein" if h == 1 else _DE_LOW[h]) + "hundert" + (_german(r) if r else "")
    if n < 20:
        return _DE_LOW[n]
    t, u = divmod(n, 10)
    return _DE_TENS[t] if u == 0 else ("ein" if u == 1 else _DE_LOW[u]) + "und" + _DE_TENS[t]


_IT_LOW = ("zero uno due tre quattro cinque sei sette otto nove dieci undici dodici tredici quattordici quindici "
           "sedici diciassette diciotto diciannove").split()
_IT_TENS = {2: "venti", 3: "trenta", 4: "quaranta", 5: "cinquanta", 6: "sessanta", 7: "settanta", 8: "ottanta",
            9: "novanta"}


def _italian(n: int) -> str:
    if n >= 100:
        h, r = divmod(n, 100)
        head = "cento" if h == 1 else _IT_LOW[h] + "cento"
        if r == 0:
            return head
        tail = _italian(r)
        return (head[:-1] if tail.startswith("o") else head) + tail   # cento + otto -> centotto
    if n < 20:
        return _IT_LOW[n]
    t, u = divmod(n, 10)
    if u == 0:
        return _IT_TENS[t]
    if u in (1, 8):
        return _IT_TENS[t][:-1] + _IT_LOW[u]                          # venti + uno -> ventuno
    return _IT_TENS[t] + ("tré" if u == 3 else _IT_LOW[u])


def _english_canonical(text: str) -> str:
    """The agreed form: lowercase, British 'and' after hundred, a hyphen inside 21-99, single spaces."""
    text = re.sub(r"\s*-\s*", "-", text.lower().replace(",", " "))
    return " ".join(text.split())


def _number_words_oracle(text: str, lang: str) -> str | None:
    n = int(text)
    if lang == "en":
        return _english_canonical(_inflect().number_to_words(n, andword="and"))
    return {"es": _spanish, "fr": _french, "de": _german, "it": _italian}[lang](n)


_LANGUAGES = {"en": "English", "es": "Spanish", "fr": "French", "de": "German", "it": "Italian"}

NUMBER_WORDS = Family(
    name="number_words",
    inputs="number",
    answer=_number_words,
    oracle=_number_words_oracle,
    variants={"number_to_english": {"lang": "en"}, "number_to_spanish": {"lang": "es"},
              "number_to_french": {"lang": "fr"}, "number_to_german": {"lang": "de"}},
    heldout={"number_to_italian": {"lang": "it"}},
    params_text=lambda lang: {"language": _LANGUAGES[lang]},
    resources=("num2words", "inflect"),
    descriptions=(
        "Write the number out in {language} words.",
        "Spell this number in {language}.",
        "How do you say this number in {language}? Answer in words, not digits.",
        "Convert the numeral to {language} number words.",
        "I need the {language} words for this number.",
        "The model turns digits into the number's name in {language}.",
        "{language}, in words, please.",
        "Digits to {language} words.",
        "Read the number aloud in {language} and write down exactly what you would say, in lowercase.",
        "Give the {language} spelling of the number.",
        "Translate the number into written-out {language}.",
        "What is this number called in {language}?",
        "No digits in the answer: spell the number the way a {language} speaker writes it.",
        "Please express the given number in {language} words, lowercase, as one would write it on a cheque.",
        "Hey, how would you write this number in {language}?",
        "Number name in {language}.",
        "Each input is a whole number from 1 to 999; reply with its {language} name spelled out in full.",
    ),
)


# --------------------------------------------------------------------------------------------------
# ordinals: "twenty-first" and "21st"

def _ordinal(text: str, style: str) -> str | None:
    n = int(text)
    if style == "words":
        from num2words import num2words

        return num2words(n, to="ordinal")
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _ordinal_oracle(text: str, style: str) -> str | None:
    engine = _inflect()
    if style == "words":
        return _english_canonical(engine.ordinal(engine.number_to_words(int(text), andword="and")))
    return engine.ordinal(int(text))


_ORDINAL_STYLES = {
    "words": ("the ordinal in words, like twenty-first", "spell out its ordinal form in English words",
              "ordinal words"),
    "suffix": ("the ordinal written with digits and a suffix, like 21st", "add the right ordinal suffix (st, nd, rd "
               "or th) to the digits", "ordinal suffix"),
}

ORDINALS = Family(
    name="ordinals",
    inputs="number",
    answer=_ordinal,
    oracle=_ordinal_oracle,
    variants={"ordinal_words": {"style": "words"}, "ordinal_suffix": {"style": "suffix"}},
    params_text=lambda style: _phrases(_ORDINAL_STYLES, style),
    resources=("num2words", "inflect"),
    descriptions=(
        "Turn the number into {what}.",
        "Make the number an ordinal: {how}.",
        "Which ordinal goes with this number? Write it in the {short} style.",
        "{Short}.",
        "Take the counting number and {how}.",
        "I need {what} for this number.",
        "The model changes a cardinal number into {what}.",
        "Position in a race: the input says where someone finished; write it as {what}.",
        "Please {how} and reply with that alone.",
        "Cardinal to ordinal - {short}.",
        "Give {what}.",
        "Convert 1, 2, 3 style numbers into first, second, third style ordinals; here: {what}.",
        "How would you write this number as an ordinal? Use {what}.",
        "Hey, ordinal time - {short}.",
        "Output {what}, lowercase.",
        "Rank form of the number ({short}).",
    ),
)

FAMILIES = [NUMBER_WORDS, ORDINALS]
