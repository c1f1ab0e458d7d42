"""World facts, the chemical elements read through their isotopes: nucleon counts, chemical and nuclide
symbols, periodic-table position (period, group, block), element classes (yes/no) and decay products.

Input kind: `isotope` (_facts_common.py). Answers read periodictable's numbers, names and isotopes; the
oracles read the isotope's name with the hand-written symbol and name lists (_facts_common.py). Periodic-table
position and classes come by arithmetic on the atomic number, checked against hand-written group columns.
"""

from __future__ import annotations

from t2l.tasks.pool.core import Family
from t2l.tasks.pool.families._facts_common import _NAMES, _SYMBOLS, _elements, _isotope_table, _parse

# --------------------------------------------------------------------------------------------- elements

# The periodic table's columns, top to bottom (group 3: Sc and Y only - La/Lu and Ac/Lr are left out, as the
# conventions differ); the lanthanides and actinides apart.
_COLUMNS = {1: "H Li Na K Rb Cs Fr", 2: "Be Mg Ca Sr Ba Ra", 3: "Sc Y", 4: "Ti Zr Hf Rf", 5: "V Nb Ta Db",
            6: "Cr Mo W Sg", 7: "Mn Tc Re Bh", 8: "Fe Ru Os Hs", 9: "Co Rh Ir Mt", 10: "Ni Pd Pt Ds",
            11: "Cu Ag Au Rg", 12: "Zn Cd Hg Cn", 13: "B Al Ga In Tl Nh", 14: "C Si Ge Sn Pb Fl",
            15: "N P As Sb Bi Mc", 16: "O S Se Te Po Lv", 17: "F Cl Br I At Ts", 18: "He Ne Ar Kr Xe Rn Og"}
_LANTHANIDES = "La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu".split()
_ACTINIDES = "Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr".split()
_NONMETALS = set("H He C N O F Ne P S Cl Ar Se Br Kr I Xe Rn".split())
_METALLOIDS = set("B Si Ge As Sb Te Po At".split())   # with the superheavy elements: left out of metal / not
_PERIOD_ENDS = (2, 10, 18, 36, 54, 86, 118)


_COLUMN_OF = {symbol: group for group, column in _COLUMNS.items() for symbol in column.split()}


def _nucleons(text: str, what: str) -> str | None:
    z, a = _isotope_table().get(text, (0, 0))
    if not z:
        return None
    return str({"protons": z, "neutrons": a - z, "neutron_excess": a - 2 * z}[what])


def _nucleons_oracle(text: str, what: str) -> str | None:
    parsed = _parse(text)
    if not parsed:
        return None
    z, a = parsed
    neutrons = a - z
    return str(z if what == "protons" else neutrons if what == "neutrons" else neutrons - z)


def _symbol(text: str, form: str) -> str | None:
    z, a = _isotope_table().get(text, (0, 0))
    if not z:
        return None
    symbol = _elements()[z].symbol
    return symbol if form == "element" else f"{symbol}-{a}"


def _symbol_oracle(text: str, form: str) -> str | None:
    parsed = _parse(text)
    if not parsed:
        return None
    symbol = _SYMBOLS[parsed[0] - 1]
    return symbol if form == "element" else f"{symbol}-{parsed[1]}"


def _position(z: int) -> tuple[int, int | None, str | None]:
    """(period, group, block) by arithmetic on the atomic number; group/block None where conventions differ."""
    period = next(i + 1 for i, end in enumerate(_PERIOD_ENDS) if z <= end)
    k = z - (_PERIOD_ENDS[period - 2] if period > 1 else 0) - 1      # place within the period, from 0
    if period == 1:
        return 1, 1 if k == 0 else 18, "s"
    if k < 2:
        return period, k + 1, "s"
    if period <= 3:
        return period, k + 11, "p"
    if period <= 5:
        group = k + 1
    elif k <= 16:                      # La..Lu, Ac..Lr: no group; Ce..Yb, Th..No are f-block either way
        return period, None, "f" if 3 <= k <= 15 else None
    else:
        group = k - 13
    return period, group, "d" if group <= 12 else "p"


def _position_oracle(z: int) -> tuple[int, int | None, str | None]:
    symbol = _SYMBOLS[z - 1]
    for group, column in _COLUMNS.items():
        column = column.split()
        if symbol in column:
            top = 1 if group in (1, 18) else 2 if group in (2, 13, 14, 15, 16, 17) else 4
            block = "s" if group <= 2 or symbol == "He" else "d" if group <= 12 else "p"
            return top + column.index(symbol), group, block
    row = 6 if symbol in _LANTHANIDES else 7
    inner = (_LANTHANIDES if row == 6 else _ACTINIDES)
    return row, None, "f" if 0 < inner.index(symbol) < 14 else None


def _element_position(text: str, what: str) -> str | None:
    z = _isotope_table().get(text, (0, 0))[0]
    if not z:
        return None
    value = dict(zip(("period", "group", "block"), _position(z)))[what]
    return None if value is None else str(value)


def _element_position_oracle(text: str, what: str) -> str | None:
    parsed = _parse(text)
    if not parsed:
        return None
    value = dict(zip(("period", "group", "block"), _position_oracle(parsed[0])))[what]
    return None if value is None else str(value)


def _element_class(text: str, cls: str) -> str | None:
    """yes/no by the arithmetic position; None where the class is a matter of convention."""
    z = _isotope_table().get(text, (0, 0))[0]
    if not z:
        return None
    period, group, block = _position(z)
    symbol = _elements()[z].symbol
    if cls == "metal":
        if symbol in _METALLOIDS or z >= 104:
            return None
        yes = not (symbol in ("H", "He") or (block == "p" and group - period > 10))
    elif cls == "noble_gas":
        yes = group == 18 if z != 118 else None
    elif cls == "halogen":
        yes = group == 17 if z != 117 else None
    elif cls == "alkali_metal":
        yes = group == 1 and z != 1
    elif cls == "alkaline_earth_metal":
        yes = group == 2
    elif cls == "transition_metal":
        yes = None if group is None and block in ("f", None) else block == "d"
    elif cls == "lanthanide":
        yes = 57 <= z <= 71
    else:
        yes = 89 <= z <= 103
    return None if yes is None else ("yes" if yes else "no")


def _element_class_oracle(text: str, cls: str) -> str | None:
    parsed = _parse(text)
    if not parsed:
        return None
    symbol = _SYMBOLS[parsed[0] - 1]
    column = _COLUMN_OF.get(symbol)
    yes = {"metal": symbol not in _NONMETALS, "noble_gas": column == 18, "halogen": column == 17,
           "alkali_metal": column == 1 and symbol != "H", "alkaline_earth_metal": column == 2,
           "transition_metal": column is not None and 3 <= column <= 12,
           "lanthanide": symbol in _LANTHANIDES, "actinide": symbol in _ACTINIDES}[cls]
    return "yes" if yes else "no"


_DECAYS = {"alpha_decay": (-2, -4), "beta_minus_decay": (1, 0), "double_beta_decay": (2, 0),
           "neutron_capture": (0, 1), "neutron_emission": (0, -1), "proton_emission": (-1, -1),
           "positron_emission": (-1, 0)}


def _decay(text: str, process: str) -> str | None:
    """The product nuclide, where periodictable knows it."""
    z, a = _isotope_table().get(text, (0, 0))
    dz, da = _DECAYS[process]
    product = _elements().get(z + dz) if z else None
    name = f"{product.name}-{a + da}" if product else None
    return name if name in _isotope_table() else None


def _decay_oracle(text: str, process: str) -> str | None:
    parsed = _parse(text)
    if not parsed:
        return None
    dz, da = _DECAYS[process]
    z, a = parsed[0] + dz, parsed[1] + da
    return f"{_NAMES[z - 1]}-{a}" if 1 <= z <= len(_NAMES) else None


# --------------------------------------------------------------------------------------------- families

ISOTOPE_RESOURCES = ("periodictable",)

NUCLEONS = Family(
    name="isotope_nucleons",
    inputs="isotope",
    answer=_nucleons,
    oracle=_nucleons_oracle,
    variants={"isotope_neutrons": {"what": "neutrons"}, "isotope_neutron_excess": {"what": "neutron_excess"}},
    heldout={"isotope_protons": {"what": "protons"}},
    params_text=lambda what: {"thing": {"neutrons": "number of neutrons", "protons": "number of protons",
                                        "neutron_excess": "neutron excess (neutrons minus protons)"}[what]},
    resources=ISOTOPE_RESOURCES,
    descriptions=(
        "Give the {thing} of this isotope.",
        "What is the {thing} in the nucleus?",
        "For the isotope named, answer with its {thing} as a number.",
        "Nuclear physics: {thing}?",
        "I need the {thing} for this nuclide.",
        "The model reads an isotope such as carbon-14 and returns its {thing}.",
        "Compute the {thing} of the isotope from its element and mass number.",
        "How large is the {thing} here? Digits only.",
        "Tell me the {thing} of this nucleus.",
        "Isotope in, {thing} out.",
        "Work out the {thing} of the nuclide.",
        "Using the periodic table, find the {thing} of the isotope.",
        "What does the {thing} come to for this isotope? Answer with an integer.",
        "Calculate the {thing}.",
        "Report the {thing} of the given isotope.",
        "Please work out this atom's {thing} for me.",
    ),
)

SYMBOL = Family(
    name="isotope_symbol",
    inputs="isotope",
    answer=_symbol,
    oracle=_symbol_oracle,
    variants={"element_symbol": {"form": "element"}, "nuclide_symbol": {"form": "nuclide"}},
    params_text=lambda form: {"what": {"element": "chemical symbol of the element",
                                       "nuclide": "symbol of the nuclide, element symbol plus mass number (C-14)"}[form],
                              "short": {"element": "the element's symbol", "nuclide": "symbol-mass form"}[form]},
    resources=ISOTOPE_RESOURCES,
    descriptions=(
        "Give the {what}.",
        "Write the isotope using {short}.",
        "What is the {what}?",
        "Chemistry shorthand: the {what}.",
        "I need the {what} for this isotope.",
        "The model converts an isotope's spelled-out name into the {what}.",
        "Abbreviate this isotope as the {what}.",
        "Convert to the {what}, keeping the capital letter.",
        "Tell me how this nuclide is written in {short}.",
        "Isotope name in, {short} out.",
        "Look it up on the periodic table: the {what}.",
        "Turn the isotope's name into {short}.",
        "Please write {short} for this.",
        "Answer with the {what}, case as on the periodic table.",
        "From the element name and mass number, produce the {what}.",
        "Shorten the isotope to {short}.",
    ),
)

SYMBOL_MC = Family(
    name="isotope_symbol_mc",
    inputs="isotope",
    answer=_symbol,
    oracle=_symbol_oracle,
    variants={"element_symbol_mc": {"form": "element"}},
    distractors=3,
    resources=ISOTOPE_RESOURCES,
    descriptions=(
        "Which of these is the chemical symbol of the isotope's element?",
        "Pick the element symbol.",
        "Choose the right symbol from the periodic table.",
        "Multiple choice chemistry: the element's symbol.",
        "The model selects, among a few chemical symbols, the one for the isotope's element.",
        "One option is the element's symbol; which?",
        "Select the periodic-table abbreviation of this element.",
        "I give you an isotope and four symbols; pick the element's.",
        "Which symbol stands for this element?",
        "Find the matching chemical symbol among the options.",
        "Element symbol quiz - choose correctly.",
        "Match the isotope to its element symbol.",
        "From the symbols offered, which is this element's?",
        "Pick the one- or two-letter symbol of the element.",
        "Choose the symbol a chemist would write for this element.",
        "Answer with the option that is the element's symbol.",
    ),
)

POSITION = Family(
    name="element_position",
    inputs="isotope",
    answer=_element_position,
    oracle=_element_position_oracle,
    variants={"element_period": {"what": "period"}, "element_group": {"what": "group"},
              "element_block": {"what": "block"}},
    params_text=lambda what: {"what": what, "hint": {"period": "its row, 1 to 7", "group": "its column, 1 to 18",
                                                     "block": "s, p, d or f"}[what]},
    resources=ISOTOPE_RESOURCES,
    descriptions=(
        "Give the periodic-table {what} of the isotope's element.",
        "Which {what} is this element in?",
        "Periodic table {what} ({hint}).",
        "In which {what} of the periodic table does the element sit? Answer with {hint}.",
        "I need the {what} of this element.",
        "The model locates the isotope's element on the periodic table and reports its {what}.",
        "What {what} does the element belong to?",
        "Find the element on the periodic table; give its {what}.",
        "Tell me the element's {what}.",
        "Element {what}, please.",
        "Place the element: which {what}?",
        "Ignore the mass number and answer with the element's {what}.",
        "Report the {what} in which this element appears in the periodic table.",
        "Where is this element in the table - {what} only?",
        "Look at the periodic table and tell me {hint} for this element.",
        "Locate the element and say its {what}.",
    ),
)

_CLASS_WORDS = {"metal": "a metal", "noble_gas": "a noble gas", "halogen": "a halogen",
                "alkali_metal": "an alkali metal", "alkaline_earth_metal": "an alkaline earth metal",
                "transition_metal": "a transition metal", "lanthanide": "a lanthanide", "actinide": "an actinide"}

ELEMENT_CLASS = Family(
    name="element_class",
    inputs="isotope",
    answer=_element_class,
    oracle=_element_class_oracle,
    variants={f"is_{cls}": {"cls": cls} for cls in _CLASS_WORDS},
    labels=("yes", "no"),
    params_text=lambda cls: {"a_class": _CLASS_WORDS[cls], "plural": _CLASS_WORDS[cls].split(" ", 1)[1] + "s"},
    resources=ISOTOPE_RESOURCES,
    descriptions=(
        "Is this isotope's element {a_class}?",
        "Answer yes if the element is {a_class}, otherwise no.",
        "Yes or no: {a_class}?",
        "Does the element belong to the {plural}?",
        "I want to know whether this element counts as {a_class}.",
        "The model says yes when the isotope's element is {a_class} and no when it is not.",
        "Check whether the element is {a_class}.",
        "Is it one of the {plural}? Reply yes or no.",
        "Classify the element: {a_class} or not?",
        "Tell me if this is {a_class}.",
        "Would a chemist call this element {a_class}? yes/no",
        "Decide whether the element of the isotope is among the {plural}.",
        "{plural}: is this one of them?",
        "Given an isotope, answer whether its element is {a_class}.",
        "Is the element {a_class}? Just yes or no.",
        "Looking at the periodic table, is this element {a_class}?",
    ),
)

_PROCESS_WORDS = {"alpha_decay": "alpha decay", "beta_minus_decay": "beta-minus decay",
                  "double_beta_decay": "double beta-minus decay", "neutron_capture": "capturing one neutron",
                  "neutron_emission": "emitting one neutron", "proton_emission": "emitting one proton",
                  "positron_emission": "positron emission"}

DECAY = Family(
    name="isotope_decay",
    inputs="isotope",
    answer=_decay,
    oracle=_decay_oracle,
    variants={p: {"process": p} for p in _DECAYS if p != "positron_emission"},
    heldout={"positron_emission": {"process": "positron_emission"}},
    params_text=lambda process: {"process": _PROCESS_WORDS[process]},
    resources=ISOTOPE_RESOURCES,
    descriptions=(
        "What nuclide results from {process}?",
        "Give the product of {process}, written like carbon-14.",
        "Apply {process} to the isotope and name the result.",
        "Nuclear reaction: the isotope undergoes {process}. What is left?",
        "I need the daughter nucleus after {process}.",
        "The model works out which isotope a nucleus becomes after {process}.",
        "After {process}, which isotope do we have? Element name, hyphen, mass number.",
        "Product of {process}?",
        "Follow the nucleus through {process} and name it afterwards.",
        "Tell me what this isotope turns into by {process}.",
        "Balance the change in protons and neutrons for {process} and write the new isotope.",
        "Which element and mass number come out of {process}?",
        "Compute the resulting nuclide of {process}, lowercase element name.",
        "If this isotope went through {process}, what would it be?",
        "Result of {process}, please.",
        "Track the atomic and mass numbers through {process}; answer with the new isotope.",
    ),
)

FAMILIES = [NUCLEONS, SYMBOL, SYMBOL_MC, POSITION, ELEMENT_CLASS, DECAY]
