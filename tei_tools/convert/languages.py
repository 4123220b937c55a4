"""Language codes: what a source states (a Word ``w:lang`` tag, a PAGE language name,
an ISO 639-2 code in METS) as the BCP 47 primary language subtag TEI's ``@xml:lang``
and ``language/@ident`` take, and the English name of a code for ``langUsage``.

The table is ISO 639-2's languages that have an ISO 639-1 code (their two-letter code,
their three-letter codes, bibliographic and terminologic, and their English names);
a three-letter code without a two-letter one is its own subtag (``grc``, ``nds``).
PAGE names its languages in English (``LanguageSimpleType``: "German", "Slovene",
"Cambodian"); those that are not ISO 639-2 names are in ``_PAGE_NAMES``.
"""

from __future__ import annotations

import re

# (ISO 639-1, ISO 639-2 codes, English names separated by "; ")
_ISO_639 = (
    ("aa", "aar", "Afar"),
    ("ab", "abk", "Abkhazian"),
    ("af", "afr", "Afrikaans"),
    ("ak", "aka", "Akan"),
    ("am", "amh", "Amharic"),
    ("ar", "ara", "Arabic"),
    ("an", "arg", "Aragonese"),
    ("as", "asm", "Assamese"),
    ("av", "ava", "Avaric"),
    ("ae", "ave", "Avestan"),
    ("ay", "aym", "Aymara"),
    ("az", "aze", "Azerbaijani"),
    ("ba", "bak", "Bashkir"),
    ("bm", "bam", "Bambara"),
    ("be", "bel", "Belarusian"),
    ("bn", "ben", "Bengali"),
    ("bh", "bih", "Bihari languages"),
    ("bi", "bis", "Bislama"),
    ("bo", "bod tib", "Tibetan"),
    ("bs", "bos", "Bosnian"),
    ("br", "bre", "Breton"),
    ("bg", "bul", "Bulgarian"),
    ("ca", "cat", "Catalan; Valencian"),
    ("cs", "ces cze", "Czech"),
    ("ch", "cha", "Chamorro"),
    ("ce", "che", "Chechen"),
    (
        "cu",
        "chu",
        "Church Slavic; Old Slavonic; Church Slavonic; Old Bulgarian; Old Church Slavonic",
    ),
    ("cv", "chv", "Chuvash"),
    ("kw", "cor", "Cornish"),
    ("co", "cos", "Corsican"),
    ("cr", "cre", "Cree"),
    ("cy", "cym wel", "Welsh"),
    ("da", "dan", "Danish"),
    ("de", "deu ger", "German"),
    ("dv", "div", "Divehi; Dhivehi; Maldivian"),
    ("dz", "dzo", "Dzongkha"),
    ("el", "ell gre", "Greek, Modern (1453-)"),
    ("en", "eng", "English"),
    ("eo", "epo", "Esperanto"),
    ("et", "est", "Estonian"),
    ("eu", "eus baq", "Basque"),
    ("ee", "ewe", "Ewe"),
    ("fo", "fao", "Faroese"),
    ("fa", "fas per", "Persian"),
    ("fj", "fij", "Fijian"),
    ("fi", "fin", "Finnish"),
    ("fr", "fra fre", "French"),
    ("fy", "fry", "Western Frisian"),
    ("ff", "ful", "Fulah"),
    ("gd", "gla", "Gaelic; Scottish Gaelic"),
    ("ga", "gle", "Irish"),
    ("gl", "glg", "Galician"),
    ("gv", "glv", "Manx"),
    ("gn", "grn", "Guarani"),
    ("gu", "guj", "Gujarati"),
    ("ht", "hat", "Haitian; Haitian Creole"),
    ("ha", "hau", "Hausa"),
    ("he", "heb", "Hebrew"),
    ("hz", "her", "Herero"),
    ("hi", "hin", "Hindi"),
    ("ho", "hmo", "Hiri Motu"),
    ("hr", "hrv", "Croatian"),
    ("hu", "hun", "Hungarian"),
    ("hy", "hye arm", "Armenian"),
    ("ig", "ibo", "Igbo"),
    ("io", "ido", "Ido"),
    ("ii", "iii", "Sichuan Yi; Nuosu"),
    ("iu", "iku", "Inuktitut"),
    ("ie", "ile", "Interlingue; Occidental"),
    ("ia", "ina", "Interlingua (International Auxiliary Language Association)"),
    ("id", "ind", "Indonesian"),
    ("ik", "ipk", "Inupiaq"),
    ("is", "isl ice", "Icelandic"),
    ("it", "ita", "Italian"),
    ("jv", "jav", "Javanese"),
    ("ja", "jpn", "Japanese"),
    ("kl", "kal", "Kalaallisut; Greenlandic"),
    ("kn", "kan", "Kannada"),
    ("ks", "kas", "Kashmiri"),
    ("ka", "kat geo", "Georgian"),
    ("kr", "kau", "Kanuri"),
    ("kk", "kaz", "Kazakh"),
    ("km", "khm", "Central Khmer"),
    ("ki", "kik", "Kikuyu; Gikuyu"),
    ("rw", "kin", "Kinyarwanda"),
    ("ky", "kir", "Kirghiz; Kyrgyz"),
    ("kv", "kom", "Komi"),
    ("kg", "kon", "Kongo"),
    ("ko", "kor", "Korean"),
    ("kj", "kua", "Kuanyama; Kwanyama"),
    ("ku", "kur", "Kurdish"),
    ("lo", "lao", "Lao"),
    ("la", "lat", "Latin"),
    ("lv", "lav", "Latvian"),
    ("li", "lim", "Limburgan; Limburger; Limburgish"),
    ("ln", "lin", "Lingala"),
    ("lt", "lit", "Lithuanian"),
    ("lb", "ltz", "Luxembourgish; Letzeburgesch"),
    ("lu", "lub", "Luba-Katanga"),
    ("lg", "lug", "Ganda"),
    ("mh", "mah", "Marshallese"),
    ("ml", "mal", "Malayalam"),
    ("mr", "mar", "Marathi"),
    ("mk", "mkd mac", "Macedonian"),
    ("mg", "mlg", "Malagasy"),
    ("mt", "mlt", "Maltese"),
    ("mn", "mon", "Mongolian"),
    ("mi", "mri mao", "Maori"),
    ("ms", "msa may", "Malay"),
    ("my", "mya bur", "Burmese"),
    ("na", "nau", "Nauru"),
    ("nv", "nav", "Navajo; Navaho"),
    ("nr", "nbl", "Ndebele, South; South Ndebele"),
    ("nd", "nde", "Ndebele, North; North Ndebele"),
    ("ng", "ndo", "Ndonga"),
    ("ne", "nep", "Nepali"),
    ("nl", "nld dut", "Dutch; Flemish"),
    ("nn", "nno", "Norwegian Nynorsk; Nynorsk, Norwegian"),
    ("nb", "nob", "Bokmål, Norwegian; Norwegian Bokmål"),
    ("no", "nor", "Norwegian"),
    ("ny", "nya", "Chichewa; Chewa; Nyanja"),
    ("oc", "oci", "Occitan (post 1500); Provençal"),
    ("oj", "oji", "Ojibwa"),
    ("or", "ori", "Oriya"),
    ("om", "orm", "Oromo"),
    ("os", "oss", "Ossetian; Ossetic"),
    ("pa", "pan", "Panjabi; Punjabi"),
    ("pi", "pli", "Pali"),
    ("pl", "pol", "Polish"),
    ("pt", "por", "Portuguese"),
    ("ps", "pus", "Pushto; Pashto"),
    ("qu", "que", "Quechua"),
    ("rm", "roh", "Romansh"),
    ("ro", "ron rum", "Romanian; Moldavian; Moldovan"),
    ("rn", "run", "Rundi"),
    ("ru", "rus", "Russian"),
    ("sg", "sag", "Sango"),
    ("sa", "san", "Sanskrit"),
    ("si", "sin", "Sinhala; Sinhalese"),
    ("sk", "slk slo", "Slovak"),
    ("sl", "slv", "Slovenian"),
    ("se", "sme", "Northern Sami"),
    ("sm", "smo", "Samoan"),
    ("sn", "sna", "Shona"),
    ("sd", "snd", "Sindhi"),
    ("so", "som", "Somali"),
    ("st", "sot", "Sotho, Southern"),
    ("es", "spa", "Spanish; Castilian"),
    ("sq", "sqi alb", "Albanian"),
    ("sc", "srd", "Sardinian"),
    ("sr", "srp", "Serbian"),
    ("ss", "ssw", "Swati"),
    ("su", "sun", "Sundanese"),
    ("sw", "swa", "Swahili"),
    ("sv", "swe", "Swedish"),
    ("ty", "tah", "Tahitian"),
    ("ta", "tam", "Tamil"),
    ("tt", "tat", "Tatar"),
    ("te", "tel", "Telugu"),
    ("tg", "tgk", "Tajik"),
    ("tl", "tgl", "Tagalog"),
    ("th", "tha", "Thai"),
    ("ti", "tir", "Tigrinya"),
    ("to", "ton", "Tonga (Tonga Islands)"),
    ("tn", "tsn", "Tswana"),
    ("ts", "tso", "Tsonga"),
    ("tk", "tuk", "Turkmen"),
    ("tr", "tur", "Turkish"),
    ("tw", "twi", "Twi"),
    ("ug", "uig", "Uighur; Uyghur"),
    ("uk", "ukr", "Ukrainian"),
    ("ur", "urd", "Urdu"),
    ("uz", "uzb", "Uzbek"),
    ("ve", "ven", "Venda"),
    ("vi", "vie", "Vietnamese"),
    ("vo", "vol", "Volapük"),
    ("wa", "wln", "Walloon"),
    ("wo", "wol", "Wolof"),
    ("xh", "xho", "Xhosa"),
    ("yi", "yid", "Yiddish"),
    ("yo", "yor", "Yoruba"),
    ("za", "zha", "Zhuang; Chuang"),
    ("zh", "zho chi", "Chinese"),
    ("zu", "zul", "Zulu"),
)

# PAGE's language names (PAGE 2019-07-15 LanguageSimpleType, and the earlier
# versions') that are not one of ISO 639-2's English names.
_PAGE_NAMES = {
    "abkhaz": "ab",
    "bihari": "bh",
    "cambodian": "km",
    "cantonese": "yue",
    "fula": "ff",
    "greek": "el",
    "guaraní": "gn",
    "khmer": "km",
    "kirundi": "rn",
    "luba-katanga": "lu",
    "malay": "ms",
    "māori": "mi",
    "ojibwe": "oj",
    "pāli": "pi",
    "slovene": "sl",
    "southern sotho": "st",
}
# Shorter English names than ISO 639-2's first, where that reads as a catalogue entry.
_DISPLAY = {
    "el": "Greek",
    "nb": "Norwegian Bokmål",
    "nn": "Norwegian Nynorsk",
    "nr": "South Ndebele",
    "nd": "North Ndebele",
    "st": "Southern Sotho",
    "to": "Tonga",
    "km": "Khmer",
    "yue": "Cantonese",
}
# Codes that state no language: undetermined, and PAGE's "other".
_NO_LANGUAGE = frozenset({"und", "other"})

_BY_NAME: dict[str, str] = {}
_BY_CODE3: dict[str, str] = {}
_NAME_OF: dict[str, str] = {}
for _two, _threes, _names in _ISO_639:
    for _three in _threes.split():
        _BY_CODE3[_three] = _two
    _all = [n.strip() for n in _names.split(";")]
    for _name in _all:
        _BY_NAME.setdefault(_name.casefold(), _two)
        _BY_NAME.setdefault(re.sub(r"\s*\(.*\)$", "", _name).casefold(), _two)  # "Occitan"
    _NAME_OF[_two] = next((n for n in _all if "," not in n), _all[0])
for _name, _code in _PAGE_NAMES.items():
    _BY_NAME.setdefault(_name, _code)
_NAME_OF.update(_DISPLAY)

_SUBTAG = re.compile(r"[a-z]{2,3}")


def language_code(value: str | None) -> str | None:
    """The primary language subtag ``value`` states: "de-DE" → "de", "German" → "de",
    "ger"/"deu" → "de", "es-ES_tradnl" → "es", "grc" → "grc"; None when it states none
    (empty, "und", PAGE's "other") or is no language code or name."""
    text = (value or "").strip().casefold()
    if not text or text in _NO_LANGUAGE:
        return None
    if text in _BY_NAME:
        return _BY_NAME[text]
    primary = re.split(r"[-_]", text)[0]
    if primary in _NO_LANGUAGE or not _SUBTAG.fullmatch(primary):
        return None
    return _BY_CODE3.get(primary, primary)


def language_name(code: str) -> str:
    """The English name of a primary subtag ("de" → "German"); the code itself when the
    table does not name it."""
    return _NAME_OF.get(code, code)
