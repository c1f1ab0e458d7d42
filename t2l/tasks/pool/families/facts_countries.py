"""World facts, countries: ISO 3166-1 codes, capitals, UN regions and currencies (written out and as
multiple choice).

Input kind: `country` (_facts_common.py). Every fact comes from one source and is checked against a second:
- country codes: pycountry, checked against countryinfo's ISO table (found by countryinfo's own name lookup);
- capitals and UN regions: countryinfo, checked against hand-written tables below (a handful of doubtful
  countries - two capitals, disputed, renamed - are left out);
- currencies: babel/CLDR's current tender, checked against countryinfo.
"""

from __future__ import annotations

from t2l.tasks.pool.core import Family
from t2l.tasks.pool.families._facts_common import _countries, _info_by_code, _info_by_name

# --------------------------------------------------------------------------------------------- countries

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


# --------------------------------------------------------------------------------------------- families

COUNTRY_RESOURCES = ("pycountry", "countryinfo")


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

FAMILIES = [COUNTRY_CODE, CAPITAL, CAPITAL_MC, REGION, REGION_MC, CURRENCY, CURRENCY_MC]
