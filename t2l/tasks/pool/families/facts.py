"""World facts: countries (names in other languages, codes, capitals, regions, currencies) and the
chemical elements read through their isotopes (counts, symbols, periodic-table position, classes, decays).

Input kinds defined here: `country` (English names of the 249 ISO 3166-1 countries and territories,
pycountry) and `isotope` (the known nuclides of periodictable, written as 'carbon-14': 118 elements are
too few inputs for a task, their 2,939 isotopes are not).

Every fact comes from one source and is checked against a second:
- country codes: pycountry, checked against countryinfo's ISO table (found by countryinfo's own name lookup);
- capitals and UN regions: countryinfo, checked against hand-written tables below (a handful of doubtful
  countries - two capitals, disputed, renamed - are left out);
- currencies: babel/CLDR's current tender, checked against countryinfo;
- country names in other languages: babel/CLDR, kept where iso-codes' translation (pycountry's gettext
  catalogues) gives the same name, checked through countryinfo's lookup of the country;
- elements: periodictable's numbers, names and isotopes, checked against hand-written symbol and name
  lists; periodic-table position and classes by arithmetic on the atomic number, checked against
  hand-written group columns.
"""

from __future__ import annotations

import gettext
import re
from functools import lru_cache

from t2l.tasks.pool.core import Family
from t2l.tasks.pool.inputs import items, kind

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


def _iso_code(text: str, alpha: int) -> str | None:
    import pycountry

    code = _countries().get(text)
    record = pycountry.countries.get(alpha_2=code) if code else None
    return getattr(record, f"alpha_{alpha}") if record else None


def _iso_code_oracle(text: str, alpha: int) -> str | None:
    return _info_by_name(text).get("ISO", {}).get(f"alpha{alpha}")


# Capitals, written by hand; countryinfo's spelling where it is a correct one ("St. George's").
_CAPITALS = dict(row.split(" ", 1) for row in (
    "AF Kabul|AX Mariehamn|AL Tirana|DZ Algiers|AS Pago Pago|AD Andorra la Vella|AO Luanda|AI The Valley|"
    "AG Saint John's|AR Buenos Aires|AM Yerevan|AW Oranjestad|AU Canberra|AT Vienna|AZ Baku|BS Nassau|BH Manama|"
    "BD Dhaka|BB Bridgetown|BY Minsk|BE Brussels|BZ Belmopan|BJ Porto-Novo|BM Hamilton|BT Thimphu|BA Sarajevo|"
    "BW Gaborone|IO Diego Garcia|BR Brasília|BN Bandar Seri Begawan|BG Sofia|BF Ouagadougou|KH Phnom Penh|"
    "CM Yaoundé|CA Ottawa|CV Praia|KY George Town|CF Bangui|TD N'Djamena|CL Santiago|CN Beijing|"
    "CX Flying Fish Cove|CC West Island|CO Bogotá|KM Moroni|CG Brazzaville|CD Kinshasa|CK Avarua|CR San José|"
    "CI Yamoussoukro|HR Zagreb|CU Havana|CW Willemstad|CY Nicosia|CZ Prague|DK Copenhagen|DJ Djibouti|DM Roseau|"
    "DO Santo Domingo|EC Quito|EG Cairo|SV San Salvador|GQ Malabo|ER Asmara|EE Tallinn|ET Addis Ababa|"
    "FK Stanley|FO Tórshavn|FJ Suva|FI Helsinki|FR Paris|GF Cayenne|TF Port-aux-Français|GA Libreville|GM Banjul|"
    "GE Tbilisi|DE Berlin|GH Accra|GI Gibraltar|GR Athens|GL Nuuk|GD St. George's|GP Basse-Terre|GU Hagåtña|"
    "GT Guatemala City|GG St. Peter Port|GN Conakry|GW Bissau|GY Georgetown|HT Port-au-Prince|HN Tegucigalpa|"
    "HU Budapest|IS Reykjavik|IN New Delhi|ID Jakarta|IR Tehran|IQ Baghdad|IE Dublin|IM Douglas|IT Rome|"
    "JM Kingston|JP Tokyo|JE Saint Helier|JO Amman|KE Nairobi|KI South Tarawa|KP Pyongyang|KR Seoul|"
    "KW Kuwait City|KG Bishkek|LA Vientiane|LV Riga|LB Beirut|LS Maseru|LR Monrovia|LY Tripoli|LI Vaduz|"
    "LT Vilnius|LU Luxembourg|MG Antananarivo|MW Lilongwe|MY Kuala Lumpur|MV Malé|ML Bamako|MT Valletta|"
    "MH Majuro|MQ Fort-de-France|MR Nouakchott|MU Port Louis|YT Mamoudzou|MX Mexico City|FM Palikir|"
    "MD Chișinău|MC Monaco|MN Ulaanbaatar|ME Podgorica|MA Rabat|MZ Maputo|MM Naypyidaw|NA Windhoek|NR Yaren|"
    "NP Kathmandu|NL Amsterdam|NC Nouméa|NZ Wellington|NI Managua|NE Niamey|NG Abuja|NU Alofi|NF Kingston|"
    "MK Skopje|MP Saipan|NO Oslo|OM Muscat|PK Islamabad|PW Ngerulmud|PA Panama City|PG Port Moresby|"
    "PY Asunción|PE Lima|PH Manila|PN Adamstown|PL Warsaw|PT Lisbon|PR San Juan|QA Doha|RE Saint-Denis|"
    "RO Bucharest|RU Moscow|RW Kigali|BL Gustavia|SH Jamestown|KN Basseterre|LC Castries|MF Marigot|"
    "PM Saint-Pierre|VC Kingstown|WS Apia|SM City of San Marino|ST São Tomé|SA Riyadh|SN Dakar|RS Belgrade|"
    "SC Victoria|SL Freetown|SG Singapore|SX Philipsburg|SK Bratislava|SI Ljubljana|SB Honiara|SO Mogadishu|"
    "ZA Pretoria|GS King Edward Point|SS Juba|ES Madrid|SD Khartoum|SR Paramaribo|SJ Longyearbyen|SE Stockholm|"
    "CH Bern|SY Damascus|TW Taipei|TJ Dushanbe|TZ Dodoma|TH Bangkok|TL Dili|TG Lomé|TO Nuku'alofa|"
    "TT Port of Spain|TN Tunis|TR Ankara|TM Ashgabat|TC Cockburn Town|TV Funafuti|UG Kampala|UA Kyiv|"
    "AE Abu Dhabi|GB London|US Washington D.C.|UY Montevideo|UZ Tashkent|VU Port Vila|VE Caracas|VN Hanoi|"
    "VG Road Town|VI Charlotte Amalie|WF Mata-Utu|ZM Lusaka|ZW Harare").split("|"))

# Left out: two capitals or a disputed one (BO, IL, LK, PS, SZ, YE, EH, BQ), a capital renamed or moved that
# countryinfo has not caught up with (BI Gitega, KZ Astana), spellings that are not English (PF, VA), and
# territories without a city as capital (HK, MO, MS, TK).
_DOUBTFUL_CAPITALS = {"BO", "IL", "LK", "PS", "SZ", "YE", "EH", "BQ", "BI", "KZ", "PF", "VA", "HK", "MO", "MS", "TK"}


def _capital(text: str) -> str | None:
    code = _countries().get(text)
    if not code or code in _DOUBTFUL_CAPITALS:
        return None
    return _info_by_code(code).get("capital") or None


def _capital_oracle(text: str) -> str | None:
    return _CAPITALS.get(_info_by_name(text).get("ISO", {}).get("alpha2", ""))


# UN M49 regions, written by hand (alpha-2 codes).
_REGIONS = {
    "africa": "DZ AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ EG GQ ER SZ ET GA GM GH GN GW KE LS LR LY MG MW ML MR "
              "MU YT MA MZ NA NE NG RE RW SH ST SN SC SL SO ZA SS SD TZ TG TN UG EH ZM ZW IO TF",
    "americas": "AI AG AR AW BS BB BZ BM BO BQ BV BR VG CA KY CL CO CR CU CW DM DO EC SV FK GF GL GD GP GT GY HT "
                "HN JM MQ MX MS NI PA PY PE PR BL KN LC MF PM VC SX GS SR TT TC US VI UY VE",
    "asia": "AF AM AZ BH BD BT BN KH CN CY GE HK IN ID IR IQ IL JP JO KZ KW KG LA LB MO MY MV MN MM NP KP OM PK PS "
            "PH QA SA SG KR LK SY TW TJ TH TL TR TM AE UZ VN YE",
    "europe": "AX AL AD AT BY BE BA BG HR CZ DK EE FO FI FR DE GI GR GG VA HU IS IE IM IT JE LV LI LT LU MT MD MC "
              "ME NL MK NO PL PT RO RU SM RS SK SI ES SJ SE CH UA GB",
    "oceania": "AS AU CX CC CK FJ PF GU HM KI MH FM NR NC NZ NU NF MP PW PG PN WS SB TK TO TV UM VU WF",
}
_REGION_OF = {code: region for region, codes in _REGIONS.items() for code in codes.split()}


def _region(text: str) -> str | None:
    code = _countries().get(text)
    return (_info_by_code(code).get("region") or "").lower() or None if code else None


def _region_oracle(text: str) -> str | None:
    return _REGION_OF.get(_info_by_name(text).get("ISO", {}).get("alpha2", ""))


# Left out: currencies replaced since 2013 that countryinfo still lists (BY BYN, BG and HR EUR, MR MRU, ST STN,
# SL SLE, VE VES, ZM ZMW, CW and SX XCG), El Salvador (US dollar and bitcoin), and territories countryinfo
# gives no currency for.
_DOUBTFUL_CURRENCIES = {"BY", "BG", "HR", "MR", "ST", "SL", "VE", "ZM", "CW", "SX", "SV",
                        "AX", "BL", "BQ", "BV", "CC", "MF", "TC", "UM", "VA", "VG", "VI"}
_FUNDS = {"BOV", "CHE", "CHW", "CLF", "COU", "CUC", "MXV", "USN", "USS", "UYI", "UYW"}   # not everyday money


def _currency(text: str) -> str | None:
    """The one currency CLDR lists as current legal tender (None where there are several, e.g. Panama)."""
    from babel.numbers import get_territory_currencies

    code = _countries().get(text)
    if not code or code in _DOUBTFUL_CURRENCIES:
        return None
    found = get_territory_currencies(code, tender=True)
    return found[0] if len(found) == 1 else None


def _currency_oracle(text: str) -> str | None:
    found = [c for c in _info_by_name(text).get("currencies") or [] if c not in _FUNDS]
    return found[0] if found else None


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
_COLUMN_OF = {symbol: group for group, column in _COLUMNS.items() for symbol in column.split()}


@lru_cache(maxsize=4096)
def _parse(text: str) -> tuple[int, int] | None:
    """The oracles' reading of an isotope: the hand-written name list and a regular expression."""
    match = re.fullmatch(r"([a-z]+)-(\d+)", text)
    if not match or match.group(1) not in _NUMBER_OF:
        return None
    return _NUMBER_OF[match.group(1)], int(match.group(2))


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

def _language(lang: str) -> dict:
    return {"language": NAME_LANGUAGES[lang]}


COUNTRY_RESOURCES = ("pycountry", "countryinfo")

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


def _code_words(alpha: int) -> dict:
    return {"letters": {2: "two", 3: "three"}[alpha], "n": alpha}


COUNTRY_CODE = Family(
    name="country_code",
    inputs="country",
    answer=_iso_code,
    oracle=_iso_code_oracle,
    variants={"country_alpha_2": {"alpha": 2}},
    heldout={"country_alpha_3": {"alpha": 3}},
    params_text=_code_words,
    resources=COUNTRY_RESOURCES,
    descriptions=(
        "Give the ISO 3166-1 alpha-{n} code of the country.",
        "What is the {letters}-letter country code?",
        "Country to ISO code ({letters} letters, uppercase).",
        "Write the country's {letters}-letter ISO abbreviation.",
        "I need the alpha-{n} code for this country.",
        "The model maps a country name to its {letters}-letter ISO 3166 code.",
        "Which {letters}-letter code does ISO assign to this country?",
        "Abbreviate the country with its official {letters}-letter code.",
        "ISO alpha-{n}, please.",
        "Return the standard {letters}-letter code used for this country in ISO 3166-1.",
        "Look up the country in ISO 3166-1 and answer with its alpha-{n} code, in capitals.",
        "Code it: the {letters}-letter international country code.",
        "What {letters} capital letters stand for this country in the ISO list?",
        "Tell me this country's ISO code, the {letters}-letter one.",
        "Country name in, {letters}-letter ISO code out.",
        "Give the alpha-{n} identifier of the country or territory.",
    ),
)

CAPITAL_DESCRIPTIONS = (
    "What is the capital of this country?",
    "Name the capital city.",
    "Give the country's capital.",
    "Which city is the seat of government of this country or territory?",
    "I need the capital of the country - only the city name.",
    "The model names the capital city of the given country.",
    "Capital city, please.",
    "Tell me where this country's government sits: its capital.",
    "Answer with the name of the capital.",
    "Which city is this country's capital?",
    "Country -> capital.",
    "Geography quiz: the capital of this one?",
    "Write down the capital city of the country you are given, spelled in English.",
    "What is the main administrative city, the capital, of this place?",
    "If I flew to this country's capital, which city would I land in?",
    "Return the capital of the country or dependent territory.",
)

CAPITAL = Family(
    name="country_capital",
    inputs="country",
    answer=_capital,
    oracle=_capital_oracle,
    variants={"country_capital": {}},
    resources=COUNTRY_RESOURCES,
    descriptions=CAPITAL_DESCRIPTIONS,
)

CAPITAL_MC = Family(
    name="country_capital_mc",
    inputs="country",
    answer=_capital,
    oracle=_capital_oracle,
    variants={"country_capital_mc": {}},
    distractors=3,
    resources=COUNTRY_RESOURCES,
    descriptions=(
        "Which of these cities is the country's capital?",
        "Pick the capital from the options.",
        "Choose the capital city of the country.",
        "One of the listed cities is the capital; which one?",
        "Multiple choice geography: select this country's capital.",
        "The model picks, among several cities, the capital of the given country.",
        "Which option names the seat of government?",
        "I'll give you a country and four cities. Pick its capital.",
        "Capital city quiz - choose the right one.",
        "Find the capital among the candidate cities.",
        "Select the city that is the capital of this country or territory.",
        "Of the cities offered, which is the capital?",
        "Match the country to its capital from the list.",
        "Which city on the list is this country's capital?",
        "Choose correctly: the capital of the country.",
        "Answer with the option that is the capital.",
    ),
)

REGION_DESCRIPTIONS = (
    "Which continental region is this country in: Africa, Americas, Asia, Europe or Oceania?",
    "Name the UN region of the country.",
    "Give the part of the world this country belongs to.",
    "Region, please (africa, americas, asia, europe, oceania).",
    "I need to know which continent group this country is placed in by the UN.",
    "The model assigns each country to one of five world regions.",
    "What region of the world is the country in?",
    "Africa, the Americas, Asia, Europe or Oceania - where is it?",
    "Tell me the country's region in the UN geoscheme.",
    "Which of the five inhabited world regions contains this country?",
    "Classify the country by world region.",
    "Where on the globe? Answer with the region's name in lowercase.",
    "Country to continent-level region.",
    "On which continent group would a UN statistician file this country?",
    "Say which macro-region the country or territory belongs to.",
    "Give the region; use 'americas' for both North and South America.",
)

REGION = Family(
    name="country_region",
    inputs="country",
    answer=_region,
    oracle=_region_oracle,
    variants={"country_region": {}},
    resources=COUNTRY_RESOURCES,
    descriptions=REGION_DESCRIPTIONS,
)

REGION_MC = Family(
    name="country_region_mc",
    inputs="country",
    answer=_region,
    oracle=_region_oracle,
    variants={"country_region_mc": {}},
    distractors=3,
    resources=COUNTRY_RESOURCES,
    descriptions=(
        "Which of the listed regions is this country in?",
        "Pick the world region of the country.",
        "Choose the continent group the country belongs to.",
        "Multiple choice: the country's UN region.",
        "The model picks, from a few world regions, the one that contains the country.",
        "Where is this country? Select the region.",
        "One of these regions holds the country; answer with it.",
        "I'll name a country; you choose its region from the options.",
        "Select the part of the world the country is in.",
        "Which option is the country's region in the UN geoscheme?",
        "Geography: choose the right region for this country.",
        "From the choices, pick the continent-level region.",
        "Match the country with its world region.",
        "Among these regions, which one is home to the country?",
        "Pick correctly: region of the country or territory.",
        "Choose where on the globe this country lies.",
    ),
)

CURRENCY_DESCRIPTIONS = (
    "Give the ISO 4217 code of the country's currency.",
    "What currency code does this country use?",
    "Three-letter currency code of the country.",
    "Which currency is legal tender here? Answer with its code, e.g. EUR.",
    "I need the currency code for this country.",
    "The model names the current currency of a country by its three-letter ISO code.",
    "Currency, as an ISO code.",
    "What money do they use in this country? Reply with the currency code only.",
    "Tell me the country's currency code.",
    "Return the ISO currency code of the legal tender.",
    "Which three capital letters identify this country's currency on exchange boards?",
    "Country -> currency code.",
    "Look up the currency this country pays with and give its code.",
    "What would a bank write as the currency code for payments in this country?",
    "Currency of the country or territory (ISO 4217, uppercase).",
    "Name the currency used here by its international code.",
)

CURRENCY = Family(
    name="country_currency",
    inputs="country",
    answer=_currency,
    oracle=_currency_oracle,
    variants={"country_currency_code": {}},
    resources=("babel", "pycountry", "countryinfo"),
    descriptions=CURRENCY_DESCRIPTIONS,
)

CURRENCY_MC = Family(
    name="country_currency_mc",
    inputs="country",
    answer=_currency,
    oracle=_currency_oracle,
    variants={"country_currency_code_mc": {}},
    distractors=3,
    resources=("babel", "pycountry", "countryinfo"),
    descriptions=(
        "Which currency code is this country's?",
        "Pick the country's currency from the codes listed.",
        "Choose the ISO code of the money used in this country.",
        "Multiple choice: currency of the country.",
        "The model picks, among several ISO 4217 codes, the currency of the given country.",
        "One of the options is the local currency; which?",
        "Select the legal tender of this country.",
        "I'll name a country and some currency codes. Pick the one they pay with.",
        "Which of these currencies would you need in this country?",
        "Find the country's currency code among the options.",
        "Currency quiz: choose the right code.",
        "Match the country with its currency.",
        "From the codes offered, which is the country's currency?",
        "Pick the ISO currency code used here.",
        "Choose correctly: what currency does this country use?",
        "Answer with the option that is the country's currency code.",
    ),
)

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

FAMILIES = [COUNTRY_NAME, COUNTRY_NAME_MC, COUNTRY_CODE, CAPITAL, CAPITAL_MC, REGION, REGION_MC, CURRENCY,
            CURRENCY_MC, NUCLEONS, SYMBOL, SYMBOL_MC, POSITION, ELEMENT_CLASS, DECAY]
