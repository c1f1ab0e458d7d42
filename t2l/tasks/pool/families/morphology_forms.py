"""Word forms, inflections: past tense, past participle and third person of verbs (the -ing form held out),
plurals of nouns, comparatives of adjectives (superlatives held out), the same inflections as multiple
choice, and whether a verb is irregular.

Input kinds: `noun`, `verb`, `adjective`, `word`. Inflections come from lemminflect; a form is kept only
where lemminflect gives one form (two forms, e.g. 'hanged'/'hung', are doubtful) and, for plurals, where
the inflect package agrees. The oracles are WordNet 3.0's exception lists (noun.exc, verb.exc, adj.exc:
irregular and consonant-doubling forms) read backwards plus hand-written regular spelling rules.
"""

from __future__ import annotations

import re
from functools import lru_cache

from t2l.tasks.pool.core import Family
from t2l.tasks.pool.families._morphology_common import _consonant_y, _exceptions, _lemminflect
from t2l.tasks.pool.inputs import items
from t2l.tasks.pool.resources import wordnet

# --- verbs --------------------------------------------------------------------------------------------

_TAGS = {"past": "VBD", "participle": "VBN", "third": "VBZ", "gerund": "VBG"}


# Verbs with two accepted forms in current English (burnt/burned, proven/proved, programed/programmed) or an
# archaic form WordNet lists (addrest, curst), or a modal beside a plain verb (can: could/canned): the form
# to expect is doubtful, so these are left out.
_TWO_FORMS = frozenset("address bet burn curse dream fit grave kneel lean leap learn lie light program prove smell "
                       "spell spill spoil dwell knit quit wet speed dive strive shine weave be shear slide will work "
                       "can honey".split())


def _verb_form(text: str, form: str) -> str | None:
    if text in _TWO_FORMS:
        return None
    return _lemminflect(text, _TAGS[form])


def _regular_past(text: str) -> str:
    if text.endswith("e"):
        return text + "d"
    return text[:-1] + "ied" if _consonant_y(text) else text + "ed"


# hand-written: past and participle unchanged from the base (not in verb.exc, which lists changed forms only)
_UNCHANGED = frozenset("bet broadcast burst cast cost cut forecast hit hurt let put quit read rid set shed shut slit "
                       "split spread thrust upset bid".split())
_HAND = {"beat": ("beat", "beaten"), "sink": ("sank", "sunk"), "bear": ("bore", "borne"), "feed": ("fed", "fed")}


def _past_and_participle(text: str) -> tuple[str, str] | None:
    if text in _HAND:
        return _HAND[text]
    if text in _UNCHANGED:
        return text, text
    forms = [f for f in _exceptions("verb").get(text, []) if not f.endswith("ing") and f not in _THIRD_PERSON
             and f != text and "-" not in f and f not in (text + "s", text + "es")]
    doubled = [f for f in forms if f.endswith("ed")]
    if len(doubled) == 1:                                         # stopped, gassed, gripped (not 'gript')
        return doubled[0], doubled[0]
    if not forms:
        return _regular_past(text), _regular_past(text)
    if len(forms) == 1:
        form = forms[0]
        if form.endswith("ed"):                                   # doubled consonant: stopped
            return form, form
        if re.search(r"(wn|en|ne|rn)$", form) and not form.endswith("ed"):   # shown, proven: past is regular
            return _regular_past(text), form
        if any(text[:i] + "a" + text[i + 1:] == form for i in range(len(text)) if text[i] in "ou"):
            return form, text                                     # run/ran/run, come/came/come
        return form, form                                         # made, said, taught
    if len(forms) == 2:
        ends_n = [f for f in forms if re.search(r"(n|ne)$", f)]
        if len(ends_n) == 1:                                      # went/gone, wrote/written
            return next(f for f in forms if f not in ends_n), ends_n[0]
        with_u = [f for f in forms if "u" in f and "u" not in text]
        if len(with_u) == 1:                                      # began/begun, sang/sung
            return next(f for f in forms if f not in with_u), with_u[0]
    return None


_CH_AS_K = frozenset("stomach monarch epoch patriarch matriarch eunuch tech ache".split())   # -ch read /k/: +s
_THIRD_PERSON = {"has", "does", "is", "am", "are", "was", "were"}   # be/have/do forms listed in verb.exc


def _verb_form_oracle(text: str, form: str) -> str | None:
    if form == "third":
        if text in ("have", "do", "go"):
            return {"have": "has", "do": "does", "go": "goes"}[text]
        if text in _CH_AS_K:
            return text + "s"
        if _consonant_y(text):
            return text[:-1] + "ies"
        return text + "es" if re.search(r"(s|x|z|ch|sh)$", text) else text + "s"
    if form == "gerund":
        found = [f for f in _exceptions("verb").get(text, []) if f.endswith("ing") and "-" not in f]
        if len(found) == 1:
            return found[0]
        if text.endswith("ie"):
            return text[:-2] + "ying"
        if text.endswith("e") and not text.endswith(("ee", "oe", "ye")) and len(text) > 2:
            return text[:-1] + "ing"
        return text + "ing"
    pair = _past_and_participle(text)
    return None if pair is None else pair[0 if form == "past" else 1]


def _verb_text(form: str) -> dict:
    return {
        "past": {"form": "simple past tense", "short": "past tense", "eg": "walk -> walked, go -> went"},
        "participle": {"form": "past participle", "short": "past participle", "eg": "walk -> walked, go -> gone"},
        "third": {"form": "third person singular present", "short": "he/she/it form",
                  "eg": "walk -> walks, go -> goes"},
        "gerund": {"form": "-ing form", "short": "-ing form", "eg": "walk -> walking"},
    }[form]


VERB_FORM = Family(
    name="verb_form",
    inputs="verb",
    answer=_verb_form,
    oracle=_verb_form_oracle,
    variants={"past_tense": {"form": "past"}, "past_participle": {"form": "participle"},
              "third_person_singular": {"form": "third"}},
    heldout={"gerund": {"form": "gerund"}},
    params_text=_verb_text,
    resources=("lemminflect", "wordnet"),
    descriptions=(
        "Give the {form} of the verb.",
        "What is the {short} of this verb?",
        "Conjugate the verb: {form}.",
        "Write the verb's {form}, one lowercase word ({eg}).",
        "I need the {short} of this verb, please.",
        "The model turns a base verb into its {form}.",
        "{short}?",
        "Put this verb into its {form}. Irregular verbs keep their irregular form.",
        "Inflect the verb for the {form} and reply with that single word.",
        "Here is a verb in its dictionary form. Change it to the {form}, as in {eg}.",
        "what's the {short} of it?",
        "Return only the {form} form of the given verb.",
        "Turn the infinitive into the {short}.",
        "For an English verb, produce its {form}; no extra words, no punctuation.",
        "Change the verb's form: {short}.",
        "Could you help? I want to see this verb changed the way {eg} are.",
    ),
)


# --- nouns ------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _inflect_engine():
    import inflect

    return inflect.engine()


def _plural(text: str) -> str | None:
    """lemminflect's plural where inflect agrees; an unchanged plural (furniture, sheep, news) is left out,
    since for mass nouns it is doubtful whether a plural exists."""
    form = _lemminflect(text, "NNS")
    return form if form and form != text and _inflect_engine().plural_noun(text) == form else None


_NOT_MAN = frozenset("human german roman shaman talisman caiman ottoman".split())


def _plural_oracle(text: str) -> str | None:
    if text == "brother":
        return "brothers"              # noun.exc lists only 'brethren'
    found = _exceptions("noun").get(text, [])
    if len(found) == 1:
        return found[0]
    if text.endswith("man") and text not in _NOT_MAN:
        return text[:-3] + "men"
    if text.endswith("sis"):
        return text[:-3] + "ses"
    if text in _CH_AS_K:
        return text + "s"
    if _consonant_y(text):
        return text[:-1] + "ies"
    return text + "es" if re.search(r"(s|x|z|ch|sh)$", text) else text + "s"


PLURAL = Family(
    name="plural",
    inputs="noun",
    answer=_plural,
    oracle=_plural_oracle,
    variants={"plural": {}},
    resources=("lemminflect", "inflect", "wordnet"),
    descriptions=(
        "Give the plural of the noun.",
        "What is the plural form?",
        "Plural.",
        "Write the noun in the plural, one lowercase word (child -> children, box -> boxes).",
        "I need the plural of this word.",
        "The model answers with the plural of a singular English noun.",
        "More than one of these - what do you call them?",
        "Make it plural.",
        "Turn the singular noun into its plural form; irregular plurals stay irregular.",
        "Pluralize the word and reply with just that word.",
        "how do you say more than one?",
        "Return the plural of the given noun, nothing else.",
        "If there were several, what would the word be?",
        "Convert the noun from singular to plural.",
        "Plural form of this noun, please.",
        "Take a noun in the singular and output its regular or irregular plural spelling.",
    ),
)


# --- adjectives -------------------------------------------------------------------------------------

def _degree(text: str, tag: str) -> str | None:
    """lemminflect's form, left out where it is not a comparison form of the word: unchanged (later, less),
    a suppletive form of another word (wrong -> worse), or its doubled-e misspelling (blueer)."""
    form = _lemminflect(text, tag, oov=False)
    if form is None or form == text or text.endswith("e") and form in (text + "er", text + "est"):
        return None
    return form if form[:3] == text[:3] or text in _IRREGULAR_DEGREE else None


_IRREGULAR_DEGREE = {"good": ("better", "best"), "bad": ("worse", "worst"), "well": ("better", "best"),
                     "ill": ("worse", "worst"), "much": ("more", "most"), "civil": ("civiller", "civillest"),
                     "many": ("more", "most")}


def _degree_oracle(text: str, tag: str) -> str | None:
    ending = "er" if tag == "JJR" else "est"
    if text in _IRREGULAR_DEGREE:
        return _IRREGULAR_DEGREE[text][0 if tag == "JJR" else 1]
    found = [f for f in _exceptions("adj").get(text, []) if f.endswith(ending)]
    if len(found) == 1:
        return found[0]
    if text.endswith("e"):
        return text + ending[1:]
    if _consonant_y(text) and len(text) > 3:                      # happier; but shyer, slyer
        return text[:-1] + "i" + ending
    return text + ending


ADJECTIVE_DEGREE = Family(
    name="adjective_degree",
    inputs="adjective",
    answer=_degree,
    oracle=_degree_oracle,
    variants={"comparative": {"tag": "JJR"}},
    heldout={"superlative": {"tag": "JJS"}},
    resources=("lemminflect", "wordnet"),
    descriptions=(
        "Give the comparative of the adjective.",
        "What is the comparative form (the -er form)?",
        "Comparative.",
        "Write the adjective's comparative as one lowercase word (big -> bigger, good -> better).",
        "I need the form of this adjective used to compare two things.",
        "The model answers with the comparative degree of an English adjective.",
        "X is ___ than Y: fill in the adjective's comparative.",
        "Compare two things with this adjective - which word do you use?",
        "Turn the adjective into its comparative; irregular ones keep their own form.",
        "comparative form?",
        "Return only the comparative degree of the given adjective.",
        "Make the adjective mean 'more so'. One word.",
        "Raise the adjective to the comparative degree.",
        "Inflect the adjective for comparison between two things.",
        "Could you tell me the comparative of this adjective?",
        "Given a plain adjective, spell its -er comparison form.",
    ),
)


# --- the same inflections as multiple choice ----------------------------------------------------------

@lru_cache(maxsize=1)
def _noun_set() -> frozenset[str]:
    return frozenset(items("noun"))


def _inflection(text: str, form: str, oracle: bool = False) -> str | None:
    if form == "plural":
        if text not in _noun_set():
            return None
        return _plural_oracle(text) if oracle else _plural(text)
    if form == "comparative":
        if text not in _adjective_set():
            return None
        return _degree_oracle(text, "JJR") if oracle else _degree(text, "JJR")
    if text not in _verb_set():
        return None
    return _verb_form_oracle(text, form) if oracle else _verb_form(text, form)


@lru_cache(maxsize=1)
def _verb_set() -> frozenset[str]:
    return frozenset(items("verb"))


@lru_cache(maxsize=1)
def _adjective_set() -> frozenset[str]:
    return frozenset(items("adjective"))


INFLECTION_CHOICE = Family(
    name="inflection_choice",
    inputs="word",
    answer=lambda text, form: _inflection(text, form),
    oracle=lambda text, form: _inflection(text, form, oracle=True),
    variants={"plural_choice": {"form": "plural"}, "past_tense_choice": {"form": "past"},
              "past_participle_choice": {"form": "participle"}, "third_person_choice": {"form": "third"},
              "comparative_choice": {"form": "comparative"}},
    distractors=3,
    params_text=lambda form: {
        "plural": {"form": "plural", "of": "noun", "eg": "cat -> cats"},
        "past": {"form": "past tense", "of": "verb", "eg": "go -> went"},
        "participle": {"form": "past participle", "of": "verb", "eg": "go -> gone"},
        "third": {"form": "third person singular (he/she/it) form", "of": "verb", "eg": "go -> goes"},
        "comparative": {"form": "comparative", "of": "adjective", "eg": "big -> bigger"}}[form],
    resources=("lemminflect", "inflect", "wordnet"),
    descriptions=(
        "Which option is the {form} of the {of}?",
        "Pick the {form}.",
        "Choose the correct {form} of this {of}.",
        "{form}: select it.",
        "One of the options is the word's {form}. Which?",
        "I want the right {form} - choose from the list.",
        "The model picks the {form} of the input {of} among four words.",
        "Select the correctly spelled {form}.",
        "Treat the word as a {of}. Which choice is its {form}?",
        "Of these four, which follows the pattern {eg}?",
        "{eg}; same change to this word - pick it",
        "Mark the option that is the {of}'s {form}.",
        "Find the {form} of the word among the options.",
        "Choose the form you get when the {of} is put in the {form}.",
        "{form} of the {of}, from the choices.",
        "Only one option is this {of}'s {form}; pick it.",
    ),
)


def _irregular_past(text: str, oracle: bool = False) -> str | None:
    """yes where the past tense or the past participle is not the regular -ed (-d, -ied, doubled) form."""
    if (text, "v") not in wordnet().index:
        return None
    forms = [(_verb_form_oracle if oracle else _verb_form)(text, form) for form in ("past", "participle")]
    if None in forms:
        return None
    regular = (text + "d" if text.endswith("e") else text[:-1] + "ied" if _consonant_y(text) else text + "ed")
    return "no" if all(f in (regular, text + text[-1] + "ed") for f in forms) else "yes"


IRREGULAR_VERB = Family(
    name="irregular_verb",
    inputs="word",
    answer=lambda text: _irregular_past(text),
    oracle=lambda text: _irregular_past(text, oracle=True),
    variants={"is_irregular_verb": {}},
    labels=("yes", "no"),
    resources=("lemminflect", "wordnet"),
    descriptions=(
        "Is this verb irregular in the past tense or past participle? yes or no",
        "Does the verb form its past tense without the regular -ed ending?",
        "Irregular verb? yes/no",
        "Yes or no: the past tense of this verb is irregular (like go -> went, not walk -> walked).",
        "I need to know whether this verb is irregular. Answer yes or no.",
        "The model answers yes for irregular English verbs and no for regular ones.",
        "Is the simple past of the verb something other than the verb plus -ed?",
        "Regular or irregular past? Say yes if irregular.",
        "Check the verb: irregular past tense?",
        "yes if the past tense is irregular, no if it just takes -ed",
        "Does this verb break the -ed rule in the past?",
        "Tell me whether the verb's past tense is irregular.",
        "Answer yes or no: you cannot make this verb's past tense by adding -ed (or -d, -ied).",
        "Is it one of the irregular verbs?",
        "Decide whether the verb is irregular in the simple past.",
        "Irregular past form - yes or no?",
    ),
)


FAMILIES = [VERB_FORM, PLURAL, ADJECTIVE_DEGREE, INFLECTION_CHOICE, IRREGULAR_VERB]
