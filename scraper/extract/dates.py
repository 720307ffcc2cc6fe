"""The publication date: the page's own statement first; a feed's or sitemap's date and the URL's as evidence.

The day is the publisher's as the page states it (a stated offset is kept, never
converted to UTC), and a modified date never stands in for a published one: the page's
candidates hold published dates only, most trusted first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from dateutil import parser as dateparser

EARLIEST_YEAR = 1990
# A date written with dots is day-first everywhere it is used (24.04.2023).
_DOTTED = re.compile(r"\b\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}\b")
# A numeric date opening with its day or its month ("12/03/2024"): which one is the writer's convention.
_DAY_OR_MONTH_FIRST = re.compile(r"(?<![\d/-])\d{1,2}[/-]\d{1,2}[/-]\d{2,4}\b")
# Language tags whose numeric dates put the month first ("03/12/2024" is 12 March): American English's. A page
# in English without a region is read so too, as dateutil reads every date.
_MONTH_FIRST_LANGUAGES = ("en", "en-us", "en-ph")
_HAS_TIME = re.compile(r"\d{1,2}:\d{2}")
# Zone abbreviations common in news pages, as UTC offsets in seconds.
ZONE_OFFSETS = {
    name: hours * 3600
    for name, hours in {
        "UTC": 0, "GMT": 0, "WET": 0, "BST": 1, "WEST": 1, "CET": 1, "CEST": 2, "MEZ": 1, "MESZ": 2,
        "EET": 2, "EEST": 3, "MSK": 3, "IST": 5.5, "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11,
        "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    }.items()
}
# Words labelling when an article was changed, in the archive's common languages ("Updated", "Aktualisiert",
# "Mis à jour", "Zaktualizowano", ...): a date after one is no publication date, a short line opening with one is furniture.
UPDATED_WORDS = (
    "updated|modified|edited|aktualisiert|akt(?=\\.)|geändert|mis à jour|actualizado|actualizada|aggiornato|bijgewerkt"
    "|zaktualizowano|aktualizováno|uppdaterad|oppdatert|opdateret|päivitetty|güncellendi|güncelleme|обновлено"
)
# A time of day as pages show it ("01:30", "1.30 Uhr", "9:05 pm").
_CLOCK = re.compile(r"(?<![\d.:])(\d{1,2})[:.h](\d{2})(?![\d.:]\d)(?:\s*([ap])\.?m\b\.?)?", re.IGNORECASE)
# A statement of a date longer than this is no date (a hostile page's: dateutil takes a second for 100,000 characters).
MAX_DATE_CHARS = 200
# A <time>'s text longer than this shows more than its moment (a hostile page's, read by no one).
MAX_SHOWN_DATE_CHARS = 100
# The zones people live in lie within fourteen hours of UTC.
MAX_ZONE_OFFSET = timedelta(hours=14)
_NO_YEAR = datetime(1, 1, 1)  # a parse that keeps this year found no year in the text
# Month names and their short forms in the archive's common languages (Polish, Czech, Russian, Greek and
# Finnish also as dates spell them: "28 czerwca"), January first.
_MONTH_NAMES = (
    "january jan يناير Ιανουαρίου januar jän janvier janv enero ene gennaio gen janeiro januari stycznia styczeń ledna leden "
    "ocak января январь tammikuuta tammikuu január ianuarie มกราคม січня січень януари јануар januára janúar jaanuar januarja gener "
    "जनवरी জানুয়ারি ינואר בינואר",
    "february feb فبراير Φεβρουαρίου februar février févr febrero febbraio fevereiro februari lutego luty února únor şubat "
    "февраля февраль helmikuuta helmikuu február februarie กุมภาพันธ์ лютого лютий февруари фебруар februára febrúar veebruar "
    "februarja febrer pebrero फ़रवरी फरवरी ফেব্রুয়ারি פברואר בפברואר",
    "march mar مارس Μαρτίου maret märz mrz mars marzo março maart marca marzec března březen mart марта март maaliskuuta "
    "maaliskuu március martie มีนาคม березня березень marec marts märts març mac marso मार्च মার্চ מרץ במרץ",
    "april apr أبريل إبريل Απριλίου avril avr abril abr aprile kwietnia kwiecień dubna duben nisan апреля апрель huhtikuuta "
    "huhtikuu április aprilie เมษายน квітня квітень април apríla apríl aprill aprila अप्रैल এপ্রিল אפריל באפריל",
    "may mai مايو Μαΐου mayo maggio mag maio mei maja maj května květen mayıs мая май toukokuuta toukokuu május พฤษภาคม "
    "травня травень мај mája máj maí maig मई মে מאי במאי",
    "june jun يونيو Ιουνίου juni juin junio giugno giu junho czerwca czerwiec června červen haziran июня июнь kesäkuuta "
    "kesäkuu június iunie มิถุนายน червня червень юни јун júna jún júní juuni juny junija hunyo जून জুন יוני ביוני",
    "july jul يوليو Ιουλίου juli juillet juil julio luglio lug julho lipca lipiec července červenec temmuz июля июль "
    "heinäkuuta heinäkuu július iulie กรกฎาคม липня липень юли јул júla júl júlí juuli juliol julija julai hulyo जुलाई "
    "জুলাই יולי ביולי",
    "august aug أغسطس Αυγούστου agustus août agosto ago augustus sierpnia sierpień srpna srpen augusti ağustos августа август "
    "elokuuta elokuu augusztus สิงหาคม серпня серпень avgust augusta avgusta ágúst agost ogos अगस्त আগস্ট אוגוסט "
    "באוגוסט",
    "september sep سبتمبر Σεπτεμβρίου sept septembre septiembre settembre set setembro września wrzesień září eylül сентября "
    "сентябрь syyskuuta syyskuu szeptember septembrie กันยายน вересня вересень септември септембар septembra septembar "
    "setembre setyembre सितंबर सितम्बर সেপ্টেম্বর ספטמבר בספטמבר",
    "october oct أكتوبر Οκτωβρίου oktober okt octobre octubre ottobre ott outubro out października październik října říjen "
    "ekim октября октябрь lokakuuta lokakuu október octombrie ตุลาคม жовтня жовтень октомври октобар októbra oktobra oktobar "
    "oktoober oktubre अक्टूबर अक्तूबर অক্টোবর אוקטובר באוקטובר",
    "november nov نوفمبر Νοεμβρίου novembre noviembre novembro listopada listopad listopadu kasım ноября ноябрь marraskuuta "
    "marraskuu noiembrie พฤศจิกายน листопада листопад ноември новембар novembra novembar nóvember nobyembre नवंबर नवम्बर "
    "নভেম্বর נובמבר בנובמבר",
    "december dec ديسمبر Δεκεμβρίου desember dezember dez décembre déc diciembre dic dicembre dezembro grudnia grudzień "
    "prosince prosinec aralık декабря декабрь joulukuuta joulukuu decembrie ธันวาคม грудня грудень декември децембар decembra "
    "decembar detsember desembre disember disyembre दिसंबर दिसम्बर ডিসেম্বর דצמבר בדצמבר",
)
MONTHS = {name.casefold(): number for number, names in enumerate(_MONTH_NAMES, 1) for name in names.split()}
# A date written out in words: day, month, year ("28. Juni 2025", "22 de outubro de 2010", "28 czerwca 2025"),
# the year first ("2025. június 28."), or in CJK digits and counters ("2025年6月28日", "2025년 6월 28일").
# A month's name is a run of letters and the marks some scripts write vowels with (Devanagari, Bengali, Thai); a
# Thai year counts from the Buddhist era ("12 มีนาคม 2567" is 12 March 2024). Vietnamese counts months ("ngày 4
# tháng 12 năm 2026").
_MONTH_LETTERS = r"[^\W\d_]|[\u0900-\u09ff\u0e00-\u0e7f]"
_MONTH_WORD = rf"([^\W\d_](?:{_MONTH_LETTERS})*)"
_SPELLED_DAY_FIRST = re.compile(rf"\b(\d{{1,2}})\.?\s+(?:de\s+|d['’])?{_MONTH_WORD}\.?,?\s+(?:de\s+)?((?:19|20|25)\d\d)\b")
_SPELLED_YEAR_FIRST = re.compile(rf"\b((?:19|20)\d\d)\.?\s+{_MONTH_WORD}\.?\s+(\d{{1,2}})\b")
BUDDHIST_ERA_OFFSET = 543
# A numeric date among other words ("Dienstag, 12.03.2024", "le 12/03/2024 à 10h30", "Thứ ba, 12/3/2024"), day or
# month first, or year first.
_NUMERIC_DATE = re.compile(r"(?<![\w.:/-])(\d{1,2})([./-])\s?(\d{1,2})[./-]\s?((?:19|20)\d\d)(?!\w)")
CENTURY = 2000  # of a year written in two digits: news pages before 2000 write it in four
# A dotted date with the year in two digits, always day first ("Do 25.04.24 | 14:07 Uhr"): the century is this one.
_DOTTED_SHORT_DATE = re.compile(r"(?<![\w.:/-])(\d{1,2})\.\s?(\d{1,2})\.\s?(\d\d)(?![\w.:/-]|\.\d)")
_NUMERIC_YEAR_FIRST = re.compile(r"(?<![\w.:/-])((?:19|20)\d\d)[./-](\d{1,2})[./-](\d{1,2})(?!\w|[.:/-]\d)")
_CJK_DATE = re.compile(r"((?:19|20)\d\d)\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]")
_COUNTED_MONTH_DATE = re.compile(r"\b(\d{1,2})\s+tháng\s+(\d{1,2}),?\s+(?:năm\s+)?((?:19|20)\d\d)\b", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
# Seconds (10 digits) or milliseconds (13) since 1970, as some pages state their dates.
_EPOCH = re.compile(r"^\d{10}(?:\d{3})?$")
# A date in a URL's path: /2024/05/02/, /2024-05-02-, /20240502/.
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?=[/_.-]|$)")


# A day written with its month's name beside it ("March 12", "12. März"), or as digits in full ("12/03/2024", "2024-03-12").
_NAMED_DAY = re.compile(rf"(?=\b((?:{_MONTH_LETTERS})+)\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\.?\s+(?:de\s+|d['’])?((?:{_MONTH_LETTERS})+))")
_NUMERIC_DAY = re.compile(r"\b\d{1,2}[./-]\s?\d{1,2}[./-]\s?\d{2,4}\b|\b(?:19|20)\d\d[./-]\d{1,2}[./-]\d{1,2}\b")


def spelled_days(text: str) -> Iterator[tuple[int, str]]:
    """Where a text names a day beside its month's name ("March 12", "12. März", "3 de março", "१७ नवंबर"), and that
    name in lower case, in order (a word beside a number is no month unless it is one of :data:`MONTHS`)."""
    for match in _NAMED_DAY.finditer(text):
        if (month := (match.group(1) or match.group(2)).casefold()) in MONTHS:
            yield match.start(), month


def names_a_day(text: str, order_known: bool = True) -> bool:
    """Whether a text states a whole day (not only a year, a month or a time) that ``normalise_date`` reads;
    without ``order_known`` (the page's language unstated), not a numeric date that reads both ways ("03/12/2024")."""
    if not order_known and (numeric := _DAY_OR_MONTH_FIRST.search(text)):
        first, second = map(int, re.split(r"[/-]", numeric.group())[:2])
        if first != second and first <= 12 and second <= 12:
            return False
    named = next(spelled_days(text), None) is not None
    shaped = named or _NUMERIC_DAY.search(text) or _CJK_DATE.search(text) or _COUNTED_MONTH_DATE.search(text)
    return bool(shaped) and normalise_date(text) is not None


def writes_day_first(language: str | None) -> bool:
    """Whether a page in this language (a tag such as ``pt-BR`` or ``en_GB``) writes numeric dates day first:
    every language but American English ("12/03/2024" is 12 March in Montevideo and in London)."""
    if not language:
        return False
    return language.replace("_", "-").casefold() not in _MONTH_FIRST_LANGUAGES


def normalise_date(value: str | None, day_first: bool = False) -> str | None:
    """An ISO 8601 string (with its time zone where given, date only when no time is given), or None.

    ``day_first``: a numeric date opening with its day or month ("12/03/2024") opens with the
    day; dotted dates ("12.03.2024") always do, and one opening with its year never does.
    """
    if not value or len(value) > MAX_DATE_CHARS or not any(char.isdigit() for char in value):
        return None
    value = value.strip()
    if _EPOCH.match(value):
        parsed = datetime.fromtimestamp(int(value[:10]), timezone.utc)
        return parsed.isoformat() if _plausible(parsed) else None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            dayfirst = bool(_DOTTED.search(value) or (day_first and _DAY_OR_MONTH_FIRST.search(value)))
            parsed = dateparser.parse(value, dayfirst=dayfirst, default=_NO_YEAR, tzinfos=_zone)
        except (ValueError, OverflowError, TypeError):
            return _spelled_date(value, day_first)
    if not _plausible(parsed):
        return None
    if not _HAS_TIME.search(value) and "T" not in value:
        return parsed.date().isoformat()
    return parsed.isoformat()


def _latest_year() -> int:
    """The latest year a news page can state: next year (a page dated ahead for the new year)."""
    return datetime.now(timezone.utc).year + 1


def _plausible(parsed: datetime | None) -> bool:
    """Whether a parsed date is one a news page can state: from 1990 to next year."""
    return parsed is not None and EARLIEST_YEAR <= parsed.year <= _latest_year()


def _zone(name: str | None, offset: int | None) -> int | None:
    """The offset of a zone named in a date, or the one it states; a name it does not know ("ET") leaves
    the time without a zone (the day stands), where dateutil would warn or guess from this machine's zone."""
    return ZONE_OFFSETS.get(name or "", offset)


def _spelled_date(text: str, day_first: bool = False) -> str | None:
    """The day of a date written out in words in one of the month-name languages, in CJK counters, or in
    digits among other words (read day first where ``day_first`` or dotted, as :func:`normalise_date` does)."""
    text = _DIGIT.sub(lambda digit: str(int(digit.group())), text)  # Arabic-Indic and other digits as ASCII ones
    found = None
    if match := _CJK_DATE.search(text):
        found = tuple(map(int, match.groups()))
    elif match := _COUNTED_MONTH_DATE.search(text):
        day, month, year = map(int, match.groups())
        found = (year, month, day)
    elif (match := _SPELLED_DAY_FIRST.search(text)) and (month := MONTHS.get(match.group(2).casefold())):
        year = int(match.group(3))
        found = (year - BUDDHIST_ERA_OFFSET if year > _latest_year() else year, month, int(match.group(1)))
    elif (match := _SPELLED_YEAR_FIRST.search(text)) and (month := MONTHS.get(match.group(2).casefold())):
        found = (int(match.group(1)), month, int(match.group(3)))
    elif match := _NUMERIC_DATE.search(text):
        first, separator, second, year = match.groups()
        day_first = day_first or separator == "." or int(first) > 12
        found = (int(year), int(second), int(first)) if day_first else (int(year), int(first), int(second))
    elif match := _NUMERIC_YEAR_FIRST.search(text):
        found = tuple(map(int, match.groups()))
    elif match := _DOTTED_SHORT_DATE.search(text):
        day, month, year = map(int, match.groups())
        found = (CENTURY + year, month, day)
    if found is None:
        return None
    try:
        day = datetime(*found)
    except ValueError:
        return None
    return day.date().isoformat() if _plausible(day) else None


def moment(value: str | None) -> str | None:
    """A date as one instant, comparable however it was written ("…Z", "…+00:00", "…+02:00"), or None."""
    date = normalise_date(value)
    if date is None or "T" not in date:
        return date
    parsed = datetime.fromisoformat(date)
    return (parsed.astimezone(timezone.utc) if parsed.tzinfo else parsed).isoformat()


def in_shown_zone(stated: str, shown: str) -> str:
    """A moment stated in UTC as the zone of the day and time shown beside it tells, else as stated.

    A <time> whose datetime is "2024-04-25T23:30:00Z" and whose text reads "26. April
    2024, 01:30 Uhr" was published on the 26th in a zone two hours ahead: the day a
    reader sees. The shown text must state both its day and its time.
    """
    date = normalise_date(stated)
    if date is None or not date.endswith("+00:00") or len(shown) > MAX_SHOWN_DATE_CHARS:
        return stated
    day, clock = normalise_date(shown), _CLOCK.search(shown)
    if day is None or clock is None:
        return stated
    hour, minute = int(clock.group(1)), int(clock.group(2))
    if clock.group(3):  # "1:30 p.m."
        hour = hour % 12 + (12 if clock.group(3).lower().startswith("p") else 0)
    if hour > 23 or minute > 59:
        return stated
    utc = datetime.fromisoformat(date)
    local = datetime.fromisoformat(day[:10]).replace(hour=hour, minute=minute)
    offset = local - utc.replace(tzinfo=None, second=0, microsecond=0)
    if not offset or abs(offset) > MAX_ZONE_OFFSET or offset % timedelta(minutes=15):
        return stated
    return utc.astimezone(timezone(offset)).isoformat()


def url_date(url: str | None) -> str | None:
    """The day a URL's path names (``/2024/05/02/``), or None."""
    found = _URL_DATE.search(urlsplit(url or "").path)
    if not found:
        return None
    try:
        return datetime(*map(int, found.groups())).date().isoformat()
    except ValueError:
        return None


def _in_own_zones(dates: list[str]) -> list[str]:
    """The (normalised) dates, one stated in UTC replaced by the same moment as the page states it in a
    zone of its own: the day a reader sees.

    A page stating 00:30 on the 14th at +01:00 beside 23:30 on the 13th in UTC was published on the 14th.
    """
    offsets = [datetime.fromisoformat(date).utcoffset() if "T" in date else None for date in dates]
    zoned: dict[str | None, str] = {}
    for date, offset in zip(dates, offsets):
        if offset:  # neither UTC (a zero offset) nor without a zone
            zoned.setdefault(moment(date), date)
    if not zoned:
        return dates
    return [zoned.get(moment(date), date) if offset == timedelta(0) else date for date, offset in zip(dates, offsets)]


def choose_published(
    candidates: list[str], hint: str | None = None, fallback: str | None = None, url: str | None = None, day_first: bool = False
) -> str | None:
    """The page's most trusted date; among the page's dates, one on the hint's day, else the URL's day, wins.

    ``candidates`` are the page's own statements of publication, most trusted first;
    ``hint`` is a feed's or news sitemap's date; ``fallback`` a date found by looking at
    the text; ``url`` the page's address, whose path may name the day (taken before the
    text's guess where the page states none); ``day_first`` where the page's language writes
    numeric dates day first.
    """
    dates = [date for value in candidates if (date := normalise_date(value, day_first))]
    dates = _in_own_zones(dates)
    hinted = normalise_date(hint)
    for evidence in (hinted, url_date(url)):
        agreeing = [date for date in dates if evidence and date[:10] == evidence[:10]]
        if agreeing:
            return agreeing[0]
    # Where the page states no date, its URL's day beats a date guessed from the text.
    return next(iter(dates), None) or url_date(url) or normalise_date(fallback) or hinted
