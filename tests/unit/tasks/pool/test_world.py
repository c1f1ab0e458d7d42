"""The "world" group of the generated pool: translation (FreeDict) and facts (countries, isotopes)."""

from __future__ import annotations

import pytest

from t2l.tasks.pool.build import task_index
from t2l.tasks.pool.core import MIN_EXAMPLES, MIN_HELDOUT_EXAMPLES, normalise_answer
from t2l.tasks.pool.families import _facts_common, facts_countries, facts_country_names, facts_elements, translation
from tests.helpers import pool_checks
from tests.helpers.paths import DATA

FAMILIES = {f.name: f for f in (facts_country_names.FAMILIES + facts_countries.FAMILIES + facts_elements.FAMILIES
                                + translation.FAMILIES)}
EVAL_FILE = DATA / "descriptions" / "eval" / "described_world.jsonl"

# (family, params, input, answer), checked by hand
KNOWN = [
    ("translate_word", {"lang": "spa"}, "dog", "perro"),
    ("translate_word", {"lang": "spa"}, "water", "agua"),
    ("translate_word", {"lang": "spa"}, "house", "casa"),
    ("translate_word", {"lang": "fra"}, "dog", "chien"),
    ("translate_word", {"lang": "fra"}, "water", "eau"),
    ("translate_word", {"lang": "ita"}, "dog", "cane"),
    ("translate_word", {"lang": "ita"}, "water", "acqua"),
    ("from_foreign_word", {"lang": "spa"}, "perro", "dog"),
    ("from_foreign_word", {"lang": "fra"}, "chien", "dog"),
    ("from_foreign_word", {"lang": "ita"}, "gatto", "cat"),
    ("word_language", {}, "perro", "spanish"),
    ("word_language", {}, "chien", "french"),
    ("word_language", {}, "gatto", "italian"),
    ("country_code", {"alpha": 2}, "Germany", "DE"),
    ("country_code", {"alpha": 3}, "Germany", "DEU"),
    ("country_code", {"alpha": 3}, "Japan", "JPN"),
    ("country_capital", {}, "France", "Paris"),
    ("country_capital", {}, "Japan", "Tokyo"),
    ("country_capital", {}, "Kenya", "Nairobi"),
    ("country_region", {}, "Brazil", "americas"),
    ("country_region", {}, "Kenya", "africa"),
    ("country_region", {}, "Poland", "europe"),
    ("country_currency", {}, "Japan", "JPY"),
    ("country_currency", {}, "Germany", "EUR"),
    ("country_name_in", {"lang": "es"}, "Germany", "Alemania"),
    ("country_name_in", {"lang": "fr"}, "Germany", "Allemagne"),
    ("country_name_in", {"lang": "de"}, "Spain", "Spanien"),
    ("isotope_nucleons", {"what": "neutrons"}, "carbon-14", "8"),
    ("isotope_nucleons", {"what": "protons"}, "uranium-235", "92"),
    ("isotope_nucleons", {"what": "neutron_excess"}, "carbon-14", "2"),
    ("isotope_symbol", {"form": "element"}, "iron-56", "Fe"),
    ("isotope_symbol", {"form": "nuclide"}, "iron-56", "Fe-56"),
    ("element_position", {"what": "period"}, "iron-56", "4"),
    ("element_position", {"what": "group"}, "iron-56", "8"),
    ("element_position", {"what": "block"}, "iron-56", "d"),
    ("element_position", {"what": "group"}, "lead-208", "14"),
    ("element_class", {"cls": "noble_gas"}, "argon-40", "yes"),
    ("element_class", {"cls": "metal"}, "sodium-23", "yes"),
    ("element_class", {"cls": "metal"}, "oxygen-16", "no"),
    ("element_class", {"cls": "halogen"}, "chlorine-35", "yes"),
    ("element_class", {"cls": "lanthanide"}, "neodymium-142", "yes"),
    ("element_class", {"cls": "transition_metal"}, "calcium-40", "no"),
    ("isotope_decay", {"process": "alpha_decay"}, "uranium-238", "thorium-234"),
    ("isotope_decay", {"process": "beta_minus_decay"}, "carbon-14", "nitrogen-14"),
    ("isotope_decay", {"process": "positron_emission"}, "carbon-11", "boron-11"),
    ("isotope_decay", {"process": "neutron_capture"}, "cobalt-59", "cobalt-60"),
]


def _my_tasks() -> dict[str, tuple]:
    return {n: v for n, v in task_index().items() if v[0].name in FAMILIES}


@pytest.fixture(scope="module")
def built():
    return pool_checks.build_all(_my_tasks())


def test_every_task_builds_with_enough_examples(built):
    pool = [n for n, (_, _, heldout) in _my_tasks().items() if not heldout]
    assert len(FAMILIES) >= 9 and len(pool) >= 65
    for name, raw in built.items():
        heldout = _my_tasks()[name][2]
        assert len(raw.examples) >= (MIN_HELDOUT_EXAMPLES if heldout else MIN_EXAMPLES), name
        assert (raw.descriptions == []) if heldout else len(raw.descriptions) >= 16


@pytest.mark.parametrize("family,params,text,answer", KNOWN)
def test_known_answers(family, params, text, answer):
    pool_checks.check_answer(FAMILIES[family], params, text, answer, oracle_key=normalise_answer)


def test_inputs_are_bare(built):
    assert built["isotope_neutrons"].examples[0].input.count("-") == 1
    assert all(" " not in e.input for e in built["word_language"].examples)
    assert {e.input for e in built["country_capital"].examples} <= set(_facts_common._country_names())


def test_multiple_choice(built):
    for name in ("to_spanish_mc", "country_capital_mc", "element_symbol_mc", "country_name_in_german_mc"):
        for example in built[name].examples[:50]:
            assert len(example.choices) == 4 and len(set(example.choices)) == 4
    fam, params, _ = task_index()["to_spanish_mc"]
    for example in built["to_spanish_mc"].examples[:50]:
        assert example.target == fam.answer(example.input, **params)
    for name in ("is_metal", "is_noble_gas"):
        labels = [e.target for e in built[name].examples]
        assert built[name].examples[0].choices == ("yes", "no") and labels.count("yes") == labels.count("no")
    assert built["word_language"].examples[0].choices == ("spanish", "french", "italian")
    assert built["to_spanish"].metric == "gen" and built["to_spanish_mc"].metric == "mc"


def test_heldout_tasks_have_seven_eval_descriptions():
    heldout = {n for n, (_, _, h) in _my_tasks().items() if h}
    assert len(heldout) == 5
    pool_checks.check_eval_descriptions(EVAL_FILE, heldout,
                                        pool_texts={d for f in FAMILIES.values() for d in f.descriptions})


def test_a_disagreeing_oracle_refuses_the_build(monkeypatch):
    pool_checks.check_disagreeing_oracle_refuses(monkeypatch, "country_capital", lambda text: "Atlantis",
                                                 "country_capital")
