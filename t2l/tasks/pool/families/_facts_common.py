"""Helpers shared by the facts families (facts_*.py): their two input kinds, countryinfo's records and
the hand-written element lists with the oracles' reading of an isotope.

Input kinds defined here: `country` (English names of the 249 ISO 3166-1 countries and territories,
pycountry) and `isotope` (the known nuclides of periodictable, written as 'carbon-14': 118 elements are
too few inputs for a task, their 2,939 isotopes are not). Also: countryinfo's record of a country found by
its own name lookup (the oracles' route to a country) or by ISO code, periodictable's elements and
isotopes, the hand-written symbol and name lists, and the oracles' reading of an isotope's name.

Private (the name starts with "_"): the pool build looks for no families here; importing it (every
facts_*.py module does) registers the two input kinds.
"""

from __future__ import annotations

import re
from functools import lru_cache

from t2l.tasks.pool.inputs import kind

# --------------------------------------------------------------------------------------------- countries

_NAME_OVERRIDES = {   # pycountry's names that read as index entries ("Congo, The Democratic Republic of the")
    "BN": "Brunei", "CD": "Democratic Republic of the Congo", "CG": "Republic of the Congo", "FK": "Falkland Islands",
    "FM": "Micronesia", "MO": "Macau", "PS": "Palestine", "RU": "Russia", "SH": "Saint Helena", "VA": "Holy See",
    "VG": "British Virgin Islands", "VI": "U.S. Virgin Islands",
}


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    """English name -> ISO alpha-2 code."""
    import pycountry

    return {_NAME_OVERRIDES.get(c.alpha_2, getattr(c, "common_name", None) or c.name): c.alpha_2
            for c in pycountry.countries}


@kind("country")
def _country_names() -> list[str]:
    return sorted(_countries())


@lru_cache(maxsize=1)
def _countryinfo():
    from countryinfo._cache import load_countries

    return load_countries()


@lru_cache(maxsize=512)
def _info_by_name(text: str) -> dict:
    """countryinfo's record found by its own name lookup (the oracles' route to a country)."""
    from countryinfo._lookup import resolve

    data = _countryinfo()
    try:
        return data["countries"][resolve(text, data["countries"], data["iso_index"])]
    except Exception:   # countryinfo raises its own not-found error
        return {}


def _info_by_code(code: str) -> dict:
    data = _countryinfo()
    return data["countries"].get(data["iso_index"].get(code, ""), {})


# --------------------------------------------------------------------------------------------- elements

_SYMBOLS = (
    "H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr Rb Sr Y Zr Nb "
    "Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu Hf Ta W Re Os Ir Pt Au "
    "Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr Rf Db Sg Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv "
    "Ts Og").split()
_NAMES = (   # periodictable's (American) spellings: aluminum, cesium, sulfur
    "hydrogen helium lithium beryllium boron carbon nitrogen oxygen fluorine neon sodium magnesium aluminum silicon "
    "phosphorus sulfur chlorine argon potassium calcium scandium titanium vanadium chromium manganese iron cobalt "
    "nickel copper zinc gallium germanium arsenic selenium bromine krypton rubidium strontium yttrium zirconium "
    "niobium molybdenum technetium ruthenium rhodium palladium silver cadmium indium tin antimony tellurium iodine "
    "xenon cesium barium lanthanum cerium praseodymium neodymium promethium samarium europium gadolinium terbium "
    "dysprosium holmium erbium thulium ytterbium lutetium hafnium tantalum tungsten rhenium osmium iridium platinum "
    "gold mercury thallium lead bismuth polonium astatine radon francium radium actinium thorium protactinium uranium "
    "neptunium plutonium americium curium berkelium californium einsteinium fermium mendelevium nobelium lawrencium "
    "rutherfordium dubnium seaborgium bohrium hassium meitnerium darmstadtium roentgenium copernicium nihonium "
    "flerovium moscovium livermorium tennessine oganesson").split()


@lru_cache(maxsize=1)
def _elements():
    """periodictable: atomic number -> element (numbers 1..118)."""
    import periodictable

    return {el.number: el for el in periodictable.elements if el.number > 0}


@lru_cache(maxsize=1)
def _isotope_table() -> dict[str, tuple[int, int]]:
    """'carbon-14' -> (Z, A), every isotope periodictable knows."""
    return {f"{el.name}-{a}": (z, a) for z, el in _elements().items() for a in el.isotopes}


@kind("isotope")
def _isotopes() -> list[str]:
    return sorted(_isotope_table())


_NUMBER_OF = {name: z for z, name in enumerate(_NAMES, start=1)}


@lru_cache(maxsize=4096)
def _parse(text: str) -> tuple[int, int] | None:
    """The oracles' reading of an isotope: the hand-written name list and a regular expression."""
    match = re.fullmatch(r"([a-z]+)-(\d+)", text)
    if not match or match.group(1) not in _NUMBER_OF:
        return None
    return _NUMBER_OF[match.group(1)], int(match.group(2))
