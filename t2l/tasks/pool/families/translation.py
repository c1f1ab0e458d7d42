"""Word translation between English and Spanish / French / Italian (FreeDict), both directions.

Input kinds: `word` (English -> foreign) and `foreign_word`, a new kind defined here (foreign -> English,
which language a word is). A translation is the first one, in the English-X dictionary's order, that the
X-English dictionary lists with the English word FIRST: a pair both directions agree on, which drops the
dictionaries' noise ('water' -> 'acuarela' is listed before 'agua', but 'acuarela' means 'watercolor').
The oracles read the same pairs from the other side: an index of the X-English entries by their first
English word, and the English-X picks inverted.
German is not used: its FreeDict files take over 10 s to read, past the pool's build budget.
"""

from __future__ import annotations

from functools import lru_cache

from t2l.tasks.pool.core import Family
from t2l.tasks.pool.inputs import items, kind
from t2l.tasks.pool.resources import freedict

LANGUAGES = {"spanish": "spa", "french": "fra", "italian": "ita"}


@lru_cache(maxsize=8)
def _picks(lang: str) -> dict[str, str]:
    """English common word -> its translation: the first one the reverse dictionary maps back to it first."""
    forward, reverse = freedict(lang), freedict(lang, "eng")
    found = {}
    for word in items("word"):
        pick = next((t for t in forward.get(word, []) if reverse.get(t, [])[:1] == [word]), None)
        if pick:
            found[word] = pick
    return found


@lru_cache(maxsize=8)
def _back_index(lang: str) -> dict[str, set[str]]:
    """English word -> the X words whose X-English entry names it first (read from the reverse side)."""
    index: dict[str, set[str]] = {}
    for foreign, english in freedict(lang, "eng").items():
        index.setdefault(english[0], set()).add(foreign)
    return index


def _to_foreign(text: str, lang: str) -> str | None:
    return _picks(lang).get(text)


def _to_foreign_oracle(text: str, lang: str) -> str | None:
    candidates = _back_index(lang).get(text, set())
    return next((t for t in freedict(lang).get(text, []) if t in candidates), None)


@kind("foreign_word")
def _foreign_words() -> list[str]:
    """Spanish, French and Italian single-word translations of common English words, each found as a
    headword in exactly one of the three X-English dictionaries (so its language is not in doubt)."""
    found = set()
    for lang in LANGUAGES.values():
        others = [freedict(o, "eng") for o in LANGUAGES.values() if o != lang]
        found |= {t for t in _picks(lang).values() if " " not in t and not any(t in o for o in others)}
    return sorted(found)


def _language_of(text: str) -> str | None:
    hits = [name for name, lang in LANGUAGES.items() if text in freedict(lang, "eng")]
    return hits[0] if len(hits) == 1 else None


def _language_of_oracle(text: str) -> str | None:
    hits = [name for name, lang in LANGUAGES.items() if text in _inverted_picks(lang)]
    return hits[0] if len(hits) == 1 else None


def _from_foreign(text: str, lang: str) -> str | None:
    if _language_of(text) != next(n for n, code in LANGUAGES.items() if code == lang):
        return None
    english = freedict(lang, "eng").get(text, [])
    return english[0] if english and _picks(lang).get(english[0]) == text else None


@lru_cache(maxsize=8)
def _inverted_picks(lang: str) -> dict[str, str]:
    return {t: w for w, t in _picks(lang).items()}


def _from_foreign_oracle(text: str, lang: str) -> str | None:
    return _inverted_picks(lang).get(text)


def _language_words(lang: str) -> dict:
    name = next(n for n, code in LANGUAGES.items() if code == lang)
    return {"language": name.capitalize()}


TRANSLATE = Family(
    name="translate_word",
    inputs="word",
    answer=_to_foreign,
    oracle=_to_foreign_oracle,
    variants={"to_spanish": {"lang": "spa"}, "to_french": {"lang": "fra"}},
    heldout={"to_italian": {"lang": "ita"}},
    params_text=_language_words,
    resources=("freedict",),
    descriptions=(
        "Translate the English word into {language}.",
        "What is this word in {language}?",
        "Give the {language} translation of the word, one word, lowercase.",
        "English to {language}, please.",
        "I'm learning {language}: tell me how to say this English word.",
        "The model reads an English word and answers with its most common {language} equivalent.",
        "Say it in {language}.",
        "How would a {language} speaker say this word? Reply with just the word, no article.",
        "Render the English word in {language}.",
        "{language} equivalent of the following English word.",
        "Could you translate this into {language} for me?",
        "Map each English word to its usual {language} dictionary translation and write only that.",
        "Word-for-word translation from English into {language}.",
        "Look the word up in an English-{language} dictionary and give the first sensible entry.",
        "Output the {language} word that means the same as the given English word.",
        "Translate to {language}; a single word or short phrase, without explanation.",
        "In {language}, what do you call this?",
    ),
)

TRANSLATE_MC = Family(
    name="translate_word_mc",
    inputs="word",
    answer=_to_foreign,
    oracle=_to_foreign_oracle,
    variants={"to_spanish_mc": {"lang": "spa"}, "to_french_mc": {"lang": "fra"}},
    params_text=_language_words,
    distractors=3,
    resources=("freedict",),
    descriptions=(
        "Which of the options is the {language} translation of the English word?",
        "Pick the {language} word that means the same as the given word.",
        "Choose the correct {language} translation.",
        "One of these {language} words translates the English word. Which one?",
        "I have an English word and four {language} candidates; select the right translation.",
        "The model must pick, among the listed {language} words, the one equivalent to the English input.",
        "Multiple choice: English to {language}.",
        "Select the option that is this word in {language}.",
        "Which choice would a {language} dictionary give for this word?",
        "Find the {language} equivalent among the choices and answer with it.",
        "Only one option is a correct {language} rendering of the word; pick it.",
        "Match the English word with its {language} translation from the list.",
        "{language} translation quiz: choose the right answer.",
        "From the candidates, pick the word a {language} speaker would use for this.",
        "Here is an English word plus several {language} words. Which of them means the same thing?",
        "Identify the {language} counterpart of the English word among the options.",
    ),
)

FROM_FOREIGN = Family(
    name="from_foreign_word",
    inputs="foreign_word",
    answer=_from_foreign,
    oracle=_from_foreign_oracle,
    variants={"spanish_to_english": {"lang": "spa"}, "french_to_english": {"lang": "fra"},
              "italian_to_english": {"lang": "ita"}},
    params_text=_language_words,
    resources=("freedict",),
    descriptions=(
        "Translate the {language} word into English.",
        "What does this {language} word mean in English?",
        "{language} to English, one word.",
        "Give the English equivalent of the {language} word, in lowercase.",
        "Saw this in a {language} text and I'm stuck - English, please?",
        "The model reads a {language} word and writes its English translation.",
        "English meaning of the {language} word, please.",
        "Render this {language} word in English, answering with a single English word.",
        "Look the {language} word up in a {language}-English dictionary and give the first translation.",
        "How do you say this {language} word in English?",
        "Translate from {language}. Just the English word, nothing else.",
        "Which English word does this {language} word correspond to?",
        "Turn the {language} word into its English counterpart.",
        "Could you tell me what this means? It's {language}; answer in English.",
        "A {language} word comes in; its plain English translation goes out.",
        "Give me the English for this {language} word.",
    ),
)

WORD_LANGUAGE = Family(
    name="word_language",
    inputs="foreign_word",
    answer=_language_of,
    oracle=_language_of_oracle,
    variants={"word_language": {}},
    labels=("spanish", "french", "italian"),
    resources=("freedict",),
    descriptions=(
        "Which language is this word from: Spanish, French or Italian?",
        "Identify the language of the word.",
        "Is the word Spanish, French, or Italian? Answer with the language name in lowercase.",
        "Name the Romance language this word belongs to.",
        "The model sees one word of Spanish, French or Italian and says which of the three it is.",
        "Language identification for single words (spanish / french / italian).",
        "What language is this?",
        "I came across this word and can't tell where it's from. Spanish, French or Italian?",
        "Classify the word by language.",
        "Tell me the language of this dictionary word, choosing among Spanish, French and Italian.",
        "Which of the three languages - Spanish, French, Italian - uses this word?",
        "Guess the language from the spelling of the word.",
        "Say which language the given word is written in.",
        "Language of the word? One of: spanish, french, italian.",
        "Decide whether this word comes from a Spanish, a French or an Italian dictionary.",
        "Spot the language: reply spanish, french or italian.",
    ),
)

FAMILIES = [TRANSLATE, TRANSLATE_MC, FROM_FOREIGN, WORD_LANGUAGE]
