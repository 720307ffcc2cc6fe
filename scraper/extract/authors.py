"""Author names from bylines as pages state them: split, stripped of noise, shaped like names, people first.

One byline model: a byline is split at separators and "and"-words; each part loses
prefixes ("By"), dates, job titles, credentials ("PhD"), location phrases ("based in
Hong Kong") and month, weekday, section or site words glued to its ends; what is left is
a name when it has the shape of one (1-5 tokens, each capitalised, an initial, a
particle such as de/van/bin/al, or in a script without case, as CJK names are).
Organisations are named only when no source names a person. A ``<meta>`` tag often names
only the first of several authors; a byline shown on the page that names them all is taken instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

from scraper.extract.dates import MONTHS, ZONE_OFFSETS, spelled_days
from scraper.extract.folding import fold, squashed


class AuthorSource(NamedTuple):
    """One place a page names its authors."""

    names: list[str]  # bylines as stated, each possibly several names
    organisations: bool = False  # stated as organisations (JSON-LD Organization)
    shown: bool = False  # read from the page's text, not its metadata: one capitalised word there is a label, not a name
    tagged: bool = False  # a <meta> tag's: analytics and SEO tags often name only the first of several authors

# The words set before a byline's names in the archive's common languages, in any case ("By", "von", "Par").
BY_WORDS = "by|von|par|por|door"
# Labels naming a byline's author ("Autor: ...", "Text: ...", "Автор: ..."), in any case.
BYLINE_LABELS = r"autor(?:in|a|ka|e)?|author|auteur|text|texto|testo|tekst|автор|текст|yazar|szerző|penulis"
# "By", "Von", "Par", ... and "Author:"-style labels in front of a byline.
_PREFIX = re.compile(
    r"^(?:(?:written|reported|reporting|additional reporting|text|words|story|interview|posted|published|escrito|escrita|scritto"
    r"|écrit|geschrieben|geschreven|skrevet|skriven)\s+)?"
    rf"(?:(?:by|von|vom|par|por|di|da|door|av|af|przez|od|от|{BYLINE_LABELS}|redaktion|bearbeitet von"
    r"|yazan|kirjoittanut|oleh|του|της|โดย|بقلم|كتب|كتبت|מאת)\b"
    r"|作者|(?:本报|本報)?(?:记者|記者)|文(?=\s*[:：/]|$))\s*[:：/]?\s*",  # CJK: no word boundary between a label and a name
    re.IGNORECASE,
)
# A piece's genre named before the byline word ("Ein Kommentar von", "Analysis by"): a label, not a name's part.
_GENRE_LABEL = re.compile(
    r"^(?:(?:an?|ein|eine|un|une|una|uno)\s+)?(?:analysis|opinion|commentary|column|review|essay|kommentar|gastkommentar"
    r"|gastbeitrag|analyse|kolumne|glosse|reportage|rezension|kritik|chronique|tribune|análisis|opinión|columna|commento"
    r"|analisi|rubrica|recensione|reportaje|crónica|entrevista|interview)\s+(?:de\s+|(?=(?:by|von|par|por|di|door|av|af)\s))",
    re.IGNORECASE,
)
# The same words inside a byline, capitalised as only a byline word is ("Von", not "von der").
_INNER_PREFIX = re.compile(r"\s(?:By|Von|Par|Por|Door|Av|Af)\s+")
# A spaced dash after a name sets off what describes it: a place, a date, a title ("Por Juan Pérez - Ciudad de
# México", "Jane Doe – Reuters"); a name never holds one ("Jean-Pierre").
_DESCRIPTION_DASH = re.compile(r"\s+[-–—]\s+")
# Lists of names: semicolons, bars, slashes, commas, ampersands and the word "and" in many languages.
_AND_WORDS = r"(?:and|und|et|y|e|og|och|en|i|és|ve|и|with|mit|avec|con)"
_SEPARATORS = re.compile(rf"\s*(?:[;|/,&·•\n]|\s{_AND_WORDS}\s)\s*", re.IGNORECASE)
# An "and" left at the start of a part by a comma before it ("A, B, and C").
_LEADING_AND = re.compile(rf"^{_AND_WORDS}\s+")  # lower case: "E Jean Carroll" is a name
_AND_WORD = re.compile(_AND_WORDS, re.IGNORECASE)
# What joins the names of one list: commas, semicolons, "&" and "and" (not the bars and slashes that set a name apart
# from a desk or a date).
_NAME_JOINER = re.compile(rf"\s*(?:[,;&]|\s{_AND_WORDS}\s)\s*", re.IGNORECASE)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_URL = re.compile(r"https?://\S+|www\.\S+")
_BRACKETS = re.compile(r"\s*[(\[{][^)\]}]*[)\]}]")
_DATE = re.compile(
    r"\b(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?|"
    r"(?:updated|published|aktualisiert|veröffentlicht|publié|mis à jour)\b.*)",
    re.IGNORECASE,
)
# A journalist's job title's last word, in many languages ("Political Editor", "Washington Correspondent",
# "ARD-Korrespondentin", "Wirtschaftsredakteur"): a title before a name ("Senior Reporter Jane Doe") or after it.
JOB_TITLE_WORDS = (
    r"correspondent|reporter|editor(?:-at-large)?|columnist|writer|contributor|journalist|"
    r"\w*(?:korrespondent|redakteur|reporter|journalist)(?:in)?|redaktor(?:ka)?|korespondent(?:ka)?|dziennikar(?:z|ka)|"
    r"novinář(?:ka)?|muhabir(?:i)?|корреспондент|журналист(?:ка)?|toimittaja|periodista|giornalista|jornalista|"
    r"verslaggever|corresponsal|correspondente|inviato"
)
_JOB_TITLE = re.compile(rf"(?:[\w.]+-)?(?:{JOB_TITLE_WORDS})", re.IGNORECASE)
# A date written with its month's name after a byline ("By Jane Doe March 3, 2024", "Jane Doe, 3. März 2024 10:12"),
# or a time ago ("Jane Doe 5 hours ago"): it and what follows go before the byline splits at its commas. A month's
# name that is as often a given name ("May", "Maja") is not read as one.
_DATE_MONTHS = set(MONTHS) - {"may", "mai", "maj", "maja"}
# ... unless a year follows: "May 30, 2024", "30 mai 2024" are days.
_WITH_YEAR = re.compile(r"(?:\w+\.?\s+\d{1,2}|\d{1,2}\.?\s+\w+)\.?,?\s+(?:19|20)\d\d\b")
# The word joining a byline's names to the date after them ("Par Jean Dupont le 3 avril", "Von Max Muster am 3. März").
_DATE_CONNECTOR = re.compile(r"\s+(?:on|le|am|vom|el|il|op|den|em|du)\s*$", re.IGNORECASE)
# A time ago or a reading time ("4 min read", "Lesezeit: 3 Minuten") after the names.
_TIME_AGO = re.compile(
    r"\b\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?)\s+ago\b"
    r"|\b\d+\s*(?:min|mins|minutes?|minuten|minutos|minuti)\.?\s+(?:read|reading|lesezeit|de lecture|de lectura|di lettura|leestijd)\b"
    r"|\b(?:lesezeit|reading time|temps de lecture|tiempo de lectura)\s*:?\s*\d",
    re.IGNORECASE,
)
# Korean bylines name the reporter right before the title word, after the desk's places ("순천·광양=구현모 기자",
# "서울 홍길동·김철수 기자"); names set with a middle dot are one list.
_KOREAN_REPORTER = re.compile(r"((?:[^\s,=·|]+·)*[^\s,=·|]+)[\s|]*(?:기자|특파원)")
# A handle on a social network ("@janedoe") beside the name.
_HANDLE = re.compile(r"(?<!\S)@\w+")
# A photo's credit in a byline ("Fotos: John Roe", "AP Photo"), or another role's after the writer's name ("Editor:
# Rina Wati", "Grafik: Tom Krause"): the photographer, the editor, the illustrator are not the text's authors.
_OTHER_CREDIT = re.compile(
    r"\b(?:photos?|fotos?|photography|fotografie|photographer|fotograf(?:in)?)\b"
    r"|^(?:editors?|editing|edited|redaktur|penyunting|illustrations?|grafik|graphics?|infografik|video|kamera|camera|translation"
    r"|translated|übersetzung|traducción|traduction|traduzione)\s*(?:[:：]|(?:by|von|par|por)\b)",
    re.IGNORECASE,
)
# One word and a colon opening a byline is a label in any language ("Penulis: ...", "लेखक: ...", "Fotos: ..."):
# a name never ends in a colon. The label alone before the first name is the writer's ("Fotos: Jane Doe").
_LABEL = re.compile(r"^[^\s\d:：]+\s*[:：]\s*(?=\S)")
# Words that are never part of a person's name in a byline: a job title or its rank, a profile link's or a network's.
_NOISE = re.compile(
    r"\b(?:staff|email the author|e-mail|email|twitter|facebook|linkedin|instagram|follow|senior|chief|deputy|associate|"
    rf"managing|contributing|more articles|view all posts|all articles|about the author|autorenprofil|mehr von|{JOB_TITLE_WORDS})"
    r"\b.*|\s*(?:기자|특파원|記者|特派員|记者|特派员)$",
    re.IGNORECASE,
)
# Words that make a name an organisation's (a newsroom, an agency, a site).
_ORGANISATION_WORDS = re.compile(
    r"\b(?:news|nachrichten|online|redaktion|newsroom|desk|staff|media|press|presse|agency|agencies|agentur|zeitung|"
    r"times|post|digital|tv|radio|group|verlag|editorial|magazin|magazine|journal|gazette|herald|tribune|"
    r"redactie|redakcja|redakce|redacción|redação|redacção|redazione|rédaction|redaksjonen|redaktionen|toimitus|"
    r"agencia|agência|agenzia|agencja|ajansı|gazeta|gazete|dagblad|tidning|noticias|notícias|notizie|wiadomości|zprávy|"
    r"uutiset|новости|редакция)\b",
    re.IGNORECASE,
)
# Leading articles of site names ("The Times", "Der Spiegel"): not distinctive.
_ARTICLES = {"the", "der", "die", "das", "le", "la", "les", "el", "il", "de", "het"}
# Lower-case words inside names: nobiliary and patronymic particles.
_PARTICLES = {
    "de", "del", "della", "der", "den", "di", "da", "das", "dos", "du", "van", "von", "zu", "ter", "ten", "te",
    "la", "le", "bin", "binti", "ibn", "al", "el", "y", "e", "af", "av", "mac", "st",
}
# Month and weekday names (and their short forms) in the archive's common languages: a date's words, never a name's.
# Left out where the word is as often a given name or surname ("Maja", "Nisan", "Ekim", "Gen", "Cuma", "Pazar").
_NAME_LIKE_MONTHS = {
    "maj", "maja", "nisan", "ekim", "mart", "gen", "set", "out", "ago", "mag", "lug", "giu", "ott", "mac", "augusta", "avgusta", "julija"
}
_CALENDAR_WORDS = (set(MONTHS) - _NAME_LIKE_MONTHS) | set(
    """monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thurs fri sat sun
    montag dienstag mittwoch donnerstag freitag samstag sonntag lundi mardi mercredi jeudi vendredi samedi dimanche
    lunes martes miércoles jueves viernes sábado domingo lunedì martedì mercoledì giovedì venerdì sabato domenica
    maandag dinsdag woensdag donderdag vrijdag zaterdag zondag poniedziałek wtorek środa czwartek piątek sobota niedziela
    pondělí úterý středa čtvrtek pátek neděle måndag mandag tisdag tirsdag onsdag torsdag fredag lördag lørdag söndag søndag
    pazartesi salı çarşamba perşembe cumartesi понедельник вторник среда четверг пятница суббота воскресенье
    maanantai tiistai keskiviikko torstai perjantai lauantai sunnuntai hétfő kedd szerda csütörtök péntek szombat vasárnap
    """.split()
)
# Academic and professional credentials written after a name ("Jane Doe, PhD").
_CREDENTIAL = re.compile(
    r"^(?:ph\.?\s?d|d\.?phil|m\.?a|m\.?d|m\.?s|m\.?sc|b\.?sc|b\.?a|mba|mph|ll\.?m|ll\.?b|j\.?d|rn|cpa|cfa|esq|frcp|mrcp"
    r"|bsn|msn|dnp|dvm|dds|dmd|pharm\.?d|psy\.?d|ed\.?d|frcs|facp|rdn?|cfp|caia|lcsw|lmft|pmp|mfa|msw|mpp|mpa)\.?[®™]?$",
    re.IGNORECASE,
)
# A location phrase after or instead of a name ("Jane Doe in London", "based in Hong Kong").
_PLACING_WORDS = r"in|from|aus|desde|depuis|vanuit|från|for|für|pour|para|voor"
_LOCATION = re.compile(rf"(?:^|\s)(?:(?i:based|reporting|writing)\s+(?:in|from)|{_PLACING_WORDS})\s+[A-Z].*$")
_PLACING_BEFORE_MARK = re.compile(rf"(\s(?:{_PLACING_WORDS}))\s*\|\s*")
# In a byline set all in capitals ("ANNA BERG AND WEI CHEN, BASED IN HONG KONG") the words that join names or
# place them are read in lower case, as the rules above look for them (one letter stays: "E JEAN CARROLL").
_LINKING_WORDS = frozenset(
    "and und et og och en és ve with mit avec con based reporting writing in from aus desde depuis vanuit från for für"
    " pour para voor".split()
)
_WORD = re.compile(r"\w+")
MIN_CAPITAL_WORDS = 2  # words in capitals that set a byline's names so (one may be an agency's, "AP")
_DOMAIN = re.compile(r"\w\.(?:[a-z]{2,3}|info|online|news)$", re.IGNORECASE)
# News agencies credited by one word of any case ("Reuters", "dpa").
_AGENCIES = set(
    """reuters afp ap dpa epd kna apa sda ats ansa efe anadolu xinhua kyodo yonhap tass pap ctk bloomberg belga anp
    pti ians aap upi ntb tt stt mti agi lusa bta hina tasr bns elta leta interfax irna wam qna kuna mena jiji""".split()
)
# Words by which a news agency names itself, whole ("Associated Press", not "Daily Express") or ending a compound
# ("Nachrichtenagentur").
_AGENCY_WORDS = re.compile(r"\b(?:press|presse|agency|agence)\b|agentur|agencia|agência|agenzia|agencja|ajansı", re.IGNORECASE)
MAX_NAME_WORDS = 5
# A byline longer than this is no byline: only its start is read (an address pattern is quadratic in a long run of text).
MAX_BYLINE_CHARS = 500
MAX_AGENCY_CHARS = 5  # "dpa", "afp", "kna": agencies credited in lower case


def split_byline(byline: str, affixes: Iterable[str] = (), shown: bool = False) -> list[str]:
    """The names of one byline string, noise removed, in order.

    ``affixes`` are words that may be glued to a name's ends without being part of it:
    the page's site and section names. A byline ``shown`` in the page's text keeps a
    single word only where it is a credit ("dpa", "AP") or in a script without case.
    """
    glued = {fold(affix) for affix in affixes if fold(affix)}
    byline = _linking_words_lowered(byline[:MAX_BYLINE_CHARS])
    byline = _HANDLE.sub(" ", _URL.sub(" ", _EMAIL.sub(" ", _BRACKETS.sub("", byline))))
    byline = _placing_links_joined(byline)
    byline = _before_spelled_date(_INNER_PREFIX.split(byline)[-1])  # "Capital Von Jemima Kelly": the names follow the word
    if reporters := _KOREAN_REPORTER.findall(byline):  # "순천, 광양 구현모 기자": the places go, the name stays
        byline = ", ".join(reporters)
    names: list[str] = []
    for part in _SEPARATORS.split(byline):
        name = _clean_name(part, glued, after_name=bool(names))
        if name and not (shown and _is_label(name)) and not _is_place_of(name, names):
            names.append(name)
    return names


def _linking_words_lowered(byline: str) -> str:
    """A byline whose names are set in capitals with its joining and placing words in lower case, wherever the
    capitals stand ("Written by ANNA BERG AND WEI CHEN", "BY ANNA BERG · 5 min read"); any other as it is."""
    capitals = [word for word in _WORD.findall(byline) if word.isupper() and len(word) > 1 and word.lower() not in _LINKING_WORDS]
    if len(capitals) < MIN_CAPITAL_WORDS:
        return byline
    return _WORD.sub(lambda word: _lowered_if_linking(word.group()), byline)


def _lowered_if_linking(word: str) -> str:
    return word.lower() if word.isupper() and word.lower() in _LINKING_WORDS else word


def _placing_links_joined(byline: str) -> str:
    """A shown byline with a placing word's element after it joined to it: the place or section is that element's
    text, a link ("By Jane Doe in <a>Politics</a>", read as "By Jane Doe in | Politics"), which :data:`_LOCATION`
    then drops."""
    return _PLACING_BEFORE_MARK.sub(r"\1 ", byline)


def _before_spelled_date(byline: str) -> str:
    """The byline up to a date written with its month's name or a time ago, if it states one."""
    ends = [start for start, month in spelled_days(byline) if month in _DATE_MONTHS or _WITH_YEAR.match(byline, start)]
    if ago := _TIME_AGO.search(byline):
        ends.append(ago.start())
    return _DATE_CONNECTOR.sub("", byline[: min(ends)]) if ends else byline


def _is_place_of(name: str, before: list[str]) -> bool:
    """Whether a one-word name follows a full name or a newsroom's in its byline: its place ("hessenschau.de,
    Frankfurt, Germany", "Jane Doe, Kyiv"). An agency's credit is no place, nor is a short word in capitals (an
    agency this list lacks); after one-word names it is one more of them ("Anna, Ben und Carl")."""
    return (
        " " not in name
        and not _is_known_agency(name)
        and any(" " in earlier or is_organisation(earlier, []) or fold(earlier) in _AGENCIES for earlier in before)
    )


def without_place(text: str) -> str:
    """A byline's text without the place or desk it ends with ("Jane Doe in Brussels", "reporting from Kyiv")."""
    return _LOCATION.sub("", text)


def without_noise(name: str) -> str:
    """A name without what follows it that no name holds: a button's or a link's words ("Follow", "Email"), a job title."""
    return _NOISE.sub("", name).strip()


def _clean_name(part: str, glued: set[str] = frozenset(), after_name: bool = False) -> str | None:
    """One part of a byline as a name, or None; ``after_name`` where a name came before it in the byline."""
    named, *described = _DESCRIPTION_DASH.split(part, maxsplit=1)
    if described:  # the name before a spaced dash, what describes it after; or a label before it ("Kommentar – Jana Berger")
        name = _clean_name(named, glued, after_name)
        if name and (" " in name or fold(name) in _AGENCIES or _is_short_credit(name)):
            return name
        return _clean_name(described[0], glued, after_name)
    part = part.strip(" \t-–—:|")
    if after_name and _OTHER_CREDIT.search(part):  # another role's credit after the writer's name ("Text: A; Fotos: B")
        return None
    previous = None
    while previous != part:  # "Text und Fotos: Von ..." has more than one prefix
        previous, part = part, _PREFIX.sub("", _LABEL.sub("", _GENRE_LABEL.sub("", _LEADING_AND.sub("", part)))).strip()
    if _AND_WORD.fullmatch(part):  # an "and" set in an element of its own
        return None
    part = without_noise(_DATE.sub("", _without_job_title(part, after_name))).strip(" \t-–—:|,.")
    part = without_place(part).strip(" \t-–—:|,.")
    words = _without_glued_words(part.split(), glued)
    part = " ".join(words)
    if not words or len(words) > MAX_NAME_WORDS or any(char.isdigit() for char in part):
        return None
    if not any(char.isalpha() for char in part) or (len(words) == 1 and len(part) < 3 and not _is_short_credit(part)):
        return None
    return part if has_name_shape(words) or _is_credit(part) else None


def _without_job_title(part: str, after_name: bool) -> str:
    """The part without a journalist's job title: the name following a title ("Political Editor Jane Doe"), nothing
    where the part describes the name before it ("Jane Doe, Washington Correspondent"), else the part as it is."""
    words = part.split()
    at = next((index for index, word in enumerate(words) if _JOB_TITLE.fullmatch(word.strip(",.:"))), None)
    if at is None:
        return part
    if at + 1 < len(words) and has_name_shape(words[at + 1 :]):
        return " ".join(words[at + 1 :])
    # A title of one or two words after a name ("…, Political Editor") describes it; one after a name in its own
    # part ("Piotr Zieliński Dziennikarz") is cut by the noise words.
    return "" if after_name and (at <= 1 or words[at][0].islower()) else part


def _is_credit(text: str) -> bool:
    """Whether a text is an agency's or site's credit written as one short word or a domain ("dpa", "mbl.is")."""
    if text.upper() in ZONE_OFFSETS:  # "IST" after a byline's time
        return False
    if _CREDENTIAL.match(text):  # "M.Sc" is spelled like a domain
        return False
    return bool(_DOMAIN.search(text)) or (" " not in text and len(text) <= MAX_AGENCY_CHARS)


def _is_label(name: str) -> bool:
    """Whether a single word read from a page is a label ("Political", "Startseite", "Min"), not a name or an agency's credit."""
    if " " in name or fold(name) in _AGENCIES or _is_short_credit(name):
        return False
    return (name[0].isupper() and not name.isupper()) or not _is_credit(name)


def _without_glued_words(words: list[str], glued: set[str]) -> list[str]:
    """The words without month or weekday names or credentials after the name, or site and section words at either end.

    A word goes only while two remain, so a surname that is also a month ("Theresa May") stays;
    a date's words are glued after a name, never before it, where they would take a given
    name that is also one ("Jan de Vries").
    """
    def loose(word: str) -> bool:
        folded = fold(word)
        return folded in _CALENDAR_WORDS or folded in glued or bool(_CREDENTIAL.match(word))

    while len(words) > 2 and loose(words[-1]):
        words = words[:-1]
    while len(words) > 2 and fold(words[0]) in glued:
        words = words[1:]
    # A site or section name of several words glued in front ("Tech News Jane Doe").
    for affix in glued:
        length = len(affix.split())
        if length > 1 and len(words) > length + 1 and fold(" ".join(words[:length])) == affix:
            words = words[length:]
    return words


def has_name_shape(words: list[str]) -> bool:
    """Whether words can be a person's name: each capitalised, an initial, a particle, or in a script without case."""
    if not 1 <= len(words) <= MAX_NAME_WORDS:
        return False
    for word in words:
        letters = [char for char in word if char.isalpha()]
        if not letters:
            return False
        first = letters[0]
        if first.isupper() or not first.islower():  # capitalised, or a script without case (CJK, Arabic, ...)
            continue
        if word.lower().strip(".") in _PARTICLES or re.match(r"^(?:al|el|d|l|da|de|di|ibn|bin)['’-]", word, re.IGNORECASE):
            continue
        return False
    return not (len(words) == 1 and (fold(words[0]) in _CALENDAR_WORDS or _CREDENTIAL.match(words[0])))


def lists_only_names(pieces: Iterable[str]) -> bool:
    """Whether texts hold nothing but names and what joins them, and join some ("", ", ", " and Ruth Adeyemi")."""
    padded = [f" {piece} " for piece in pieces]  # a joining word needs a space on either side
    if not any(_NAME_JOINER.search(piece) for piece in padded):
        return False
    fragments = (fragment.split() for piece in padded for fragment in _NAME_JOINER.split(piece))
    return all(not words or (has_name_shape(words) and not any(char.isdigit() for word in words for char in word)) for words in fragments)


def people_listed(line: str) -> list[str]:
    """The names of a line that holds nothing but people's full names and what joins them ("Jane Doe/John Roe"), else [].

    A full name has two to five words: a line of one word is as often a label or a heading's.
    """
    names = [" ".join(part.split()) for part in _SEPARATORS.split(line) if part.strip()]
    full = all(
        2 <= len(name.split()) <= MAX_NAME_WORDS
        and has_name_shape(name.split())
        and not any(char.isdigit() or char in ":：" for char in name)
        and not _ORGANISATION_WORDS.search(name)
        for name in names
    )
    return names if full else []


def _is_short_credit(text: str) -> bool:
    """Whether a name of one or two characters is still one: CJK, or an agency's capitals ("AP")."""
    return any(unicodedata.east_asian_width(char) == "W" for char in text) or (len(text) == 2 and text.isupper())


def is_organisation(name: str, site_names: list[str]) -> bool:
    """Whether a name is the site's own, a domain, or a newsroom's rather than a person's."""
    name_squashed = squashed(name)
    for site in site_names:
        site_squashed = squashed(site)
        if name_squashed == site_squashed:
            return True
        if len(site_squashed) > 3 and (site_squashed in name_squashed or (len(name_squashed) > 3 and name_squashed in site_squashed)):
            return True
    return bool(_DOMAIN.search(name.strip()) or _ORGANISATION_WORDS.search(name) or _names_site_first(name, site_names))


def _names_site_first(name: str, site_names: list[str]) -> bool:
    """Whether a name opens with the site's own first word: a desk or account ("MDR THÜRINGEN", "Ilanga D")."""
    words = fold(name).split()
    site_firsts = {fold(site).split()[0] for site in site_names if fold(site)}
    return len(words) > 1 and words[0] in site_firsts and len(words[0]) >= 3 and words[0] not in _ARTICLES


def choose_authors(candidates: list[AuthorSource], site_names: list[str], sections: Iterable[str] = ()) -> list[str]:
    """The first source's names that include a person; an organisation only when no source names one.

    ``candidates`` are the places the page names authors, from the most trusted down;
    ``sections`` the page's section names, which bylines sometimes run into or are filled with.
    """
    fallback: list[str] = []
    sections = list(sections)
    affixes, topics = [*site_names, *sections], frozenset(map(fold, sections))
    for position, source in enumerate(candidates):
        names, people = _names_and_people(source, site_names, affixes, topics)
        if people:
            if source.tagged and (fuller := _fuller_byline(people, candidates[position + 1 :], site_names, affixes, topics)):
                return fuller
            # Keep an agency credited beside the people ("…, dpa") but not the site's own name, nor a desk or a
            # section set beside them ("Jane Doe | World News").
            return [name for name in names if name in people or (_is_agency(name) and not _is_site(name, site_names))]
        fallback = fallback or names
    return fallback


def _names_and_people(
    source: AuthorSource, site_names: list[str], affixes: list[str], topics: frozenset[str]
) -> tuple[list[str], list[str]]:
    """The names a source gives, and those of them that are people's; ``affixes`` may be glued to a name,
    ``topics`` are the folded section names a one-word "name" may be."""
    bylines = (split_byline(byline, affixes, source.shown) for byline in source.names)
    names = _unique(name for names in bylines for name in names if not _is_topic(name, topics))
    return names, [] if source.organisations else [name for name in names if not is_organisation(name, site_names)]


def _fuller_byline(
    people: list[str], later: list[AuthorSource], site_names: list[str], affixes: list[str], topics: frozenset[str]
) -> list[str] | None:
    """The people of a byline shown on the page, or of another meta tag, that names everyone a meta tag names and
    more, if there is one."""
    tagged = {fold(name) for name in people}
    for source in later:
        their_people = _names_and_people(source, site_names, affixes, topics)[1] if source.shown or source.tagged else []
        if tagged < {fold(name) for name in their_people}:
            return their_people
    return None


def _is_topic(name: str, topics: frozenset[str]) -> bool:
    """Whether a one-word name is one of the page's (folded) sections: a topic label a byline field was filled with
    ("Nachrichten" on an article filed under Nachrichten), not a person."""
    return " " not in name and fold(name) in topics


def _is_agency(name: str) -> bool:
    """Whether an organisation's name is a news agency's: one :func:`_is_known_agency` knows, or one naming itself an
    agency ("Associated Press", "Deutsche Presse-Agentur")."""
    return _is_known_agency(name) or bool(_AGENCY_WORDS.search(name))


def _is_known_agency(name: str) -> bool:
    """Whether a name is an agency the archive knows, or a short one in capitals (an agency the list lacks)."""
    return fold(name) in _AGENCIES or (name.isupper() and len(name) <= MAX_AGENCY_CHARS)


def _is_site(name: str, site_names: list[str]) -> bool:
    name_squashed = squashed(name)
    return bool(_DOMAIN.search(name.strip())) or _names_site_first(name, site_names) or any(
        name_squashed and name_squashed in squashed(site) for site in site_names
    )


def _unique(names: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(fold(name), name)
    return list(seen.values())
