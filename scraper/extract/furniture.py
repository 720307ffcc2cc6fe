"""The last safety net: drop lines of page furniture that an extractor let through.

Lines are judged only when short, so an article sentence that merely contains one of
these words is kept (a heading found so may take the few lines under it along). Nine
kinds of lines go:

- lines that are nothing but a known furniture phrase ("Share this", "Back to top", "Senior
  Reporter", "3 hours ago", "1 of 12");
- short lines that start like furniture ("Read more: <headline>", "Subscribe to ...",
  "Photo: ...", "Watch: ...", "Write to <name> at <address>") or are only a date or a time;
- a short note disclosing affiliate links or an advertiser's pay, wherever in it the disclosure stands,
  and a short line pitching a subscription, wherever in it the pitch stands ("... Subscribe now");
- the credits of the others who made the article ("Reporting by A; Editing by B");
- a photo's caption, which ends with its credit ("... Mikaela Shiffrin. © AFP / Jane Doe");
- a related-content heading ("You may also like", "Mehr zum Thema") and the run of
  short teaser lines under it;
- bylines repeated inside the text, when the caller knows the authors;
- a note about the author closing the text ("About the author" and the few lines of the writer's biography,
  or a biography opening with the author's name: "Jane Doe is a reporter covering ...");
- the lines closing the text in which the publisher, naming itself, speaks to the reader
  ("Sign up for our newsletters from the Daily Star"), when the caller knows its names.

Phrases are case-insensitive and cover the languages most common in the archive.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

from scraper.extract.authors import JOB_TITLE_WORDS, is_organisation, split_byline
from scraper.extract.dates import UPDATED_WORDS, names_a_day
from scraper.extract.folding import fold

# A furniture line is short; anything longer is prose and is never touched.
MAX_FURNITURE_CHARS = 140
# Lines that start like furniture may run longer (a teaser headline, a paywall note).
MAX_LEAD_CHARS = 250
# Under a related-content heading, teaser lines are at most this many words.
MAX_TEASER_WORDS = 16
# A comment heading after this many characters of text opens the comment section (nearer the top,
# "Comments (3)" is a link in the article's header). A menu an extractor kept is no such text.
MIN_CHARS_BEFORE_COMMENTS = 1000

# Related-content headings, in many languages; also used as "Label: headline" leads.
_RELATED = [
    r"related( (posts?|articles?|stories|news|content|topics|coverage|reading))?",
    r"(you|we think you) (may|might) (also )?(like|enjoy|be interested in)",
    r"more (from|on|about) (this|the) (topic|story|section|author)",
    r"more (stories|news|articles)( from [\w .'-]{1,40})?",
    r"(recommended|trending|popular|most read|most popular|top stories)( (stories|articles|now|for you|in [\w ]{1,30}))?",
    r"(read|see|watch|listen) (more|also|next)",
    r"also (on|read|see) [\w.]{0,30}",
    r"don'?t miss( this)?",
    r"(das könnte (sie|dich) auch interessieren|mehr zum thema|mehr themen|weitere (artikel|themen|beiträge|nachrichten)[\w ]{0,40})",
    r"(lesen sie (auch|mehr|hier)( die folgenden beiträge)?|auch interessant"
    r"|das thema könnte (sie|dich) auch interessieren|schon gelesen\??)",
    r"(top-themen|meistgelesen|beliebte artikel|entdecke weitere [\w ]{1,30})",
    r"(à lire aussi|lire aussi|à voir aussi|sur le même sujet|lire la suite)",
    r"(te puede interesar|le puede interesar|noticias relacionadas|lea también|lee también|vea también|ver también|relacionado)",
    r"(leggi anche|potrebbe interessarti|articoli correlati)",
    r"(weitere (aktuelle )?(themen|informationen)|zum weiterlesen|vorschau auf den nächsten artikel|auch auf [\w.-]+)",
    r"(czytaj (też|także|więcej)|zobacz (też|także)|leia (também|mais)|veja (também|mais))",
    r"(lees (ook|meer)|gerelateerde artikelen|läs (också|mer)|læs (også|mere)|les (også|mer)|relaterte saker|relaterade artiklar)",
    r"(lue (myös|lisää)|čtěte (také|též)|související články|olvasd el ezt is|kapcsolódó cikkek)",
    r"(ilgili haberler|bunlar da ilginizi çekebilir|читайте также|по теме|похожие статьи|関連記事|相关文章|相關新聞|관련기사|관련 기사)",
]
_PHRASES = [
    # comment forms and comment counts
    r"leave a (reply|comment)",
    r"post a comment",
    r"(\d+ |no )?comments?( yet| \(\d+\))?",
    r"add (a|your) comment",
    r"your email address will not be published\.?( required fields are marked \*?)?",
    r"required fields are marked \*?",
    r"(name|email|website|comment)\s*\*?",
    r"save my name, email, and website in this browser for the next time i comment\.?",
    r"(post|submit) comment",
    r"cancel reply",
    r"you must be logged in to post a comment\.?",
    r"(\d+ |keine )?kommentare?( insgesamt)?",
    r"kommentar (schreiben|abgeben|verfassen)",
    r"(deine|ihre) e-mail-adresse wird nicht veröffentlicht\.?.*",
    r"laisser un commentaire",
    r"votre adresse (e-mail|de messagerie) ne sera pas publiée\.?.*",
    r"deja (un|una) (comentario|respuesta)",
    r"tu dirección de correo electrónico no será publicada\.?.*",
    r"lascia un commento",
    r"il tuo indirizzo email non sarà pubblicato\.?.*",
    r"(deixe um comentário|deixe uma resposta|o seu endereço de e-mail não será publicado\.?.*)",
    r"(plaats een reactie|laat een reactie achter|reageer|je e-mailadres wordt niet gepubliceerd\.?.*)",
    r"(zostaw komentarz|dodaj komentarz|twój adres e-mail nie zostanie opublikowany\.?.*)",
    r"(lämna en kommentar|skriv en kommentar|legg igjen en kommentar|efterlad en kommentar)",
    r"(yorum yap|yorum yaz|yorumlar|оставить комментарий|комментарии|přidat komentář|komentáře|kommentit|hozzászólások)",
    # navigation and page chrome
    r"back to top( button)?",
    r"(scroll|go|jump) to top",
    r"nach oben( scrollen)?",
    r"zurück nach oben",
    r"retour en haut( de (la )?page)?",
    r"volver arriba",
    r"torna su",
    r"(voltar ao topo|terug naar boven|powrót do góry|till toppen|til toppen|başa dön|наверх|takaisin ylös)",
    r"skip to (main )?content",
    r"zum inhalt springen",
    r"(show|load|read|view|see) more",
    r"mehr (anzeigen|laden|lesen)",
    r"weiterlesen",
    r"voir plus",
    r"ver más",
    r"continue reading",
    r"next (post|article)",
    r"previous (post|article)",
    r"(vorheriger|nächster) (artikel|beitrag)",
    r"(tags?|schlagworte|schlagwörter|kategorien|categories|themen|topics|inhaltsverzeichnis|table of contents)",
    r"(rate|bewerten|rate this)",
    r"(kontakt|contact|quellen|quellenangaben|sources|last modified|letzte änderung|release date|more info(rmation)?)",
    r"((presse|medien)kontakt|ansprechpartner(in|innen)?( zum thema| für (die )?presse)?|(media|press) contacts?"
    r"|contact (presse|média)|contacto de prensa|contatto stampa|perscontact)",
    r"(sie sind|you are) (aktuell |currently )?(nicht|not) (eingeloggt|logged in)",
    r"(listen( to (this|the) (article|story))?|(artikel )?(anhören|vorlesen)|écouter( l'article)?|escuchar( la noticia)?|ascolta)",
    r"(text size|schriftgröße|a\+|aa\+)",
    r"(lesezeit:? )?\d+\s*(min|mins|minutes?|minuten)\.?( (read|reading time|lesezeit|de lecture|di lettura|de lectura))?",
    r"(sign in|log in|anmelden|einloggen|přihlaste se|přihlásit se|se connecter|iniciar sesión|accedi)",
    r"(sdílet|merken|drucken|speichern|save|bookmark|udostępnij)",
    # sharing
    r"share( this( (article|story|post|page))?)?( on (facebook|twitter|x|linkedin|whatsapp|email))?",
    r"(click to )?share on (facebook|twitter|x|linkedin|whatsapp|pinterest|reddit|telegram)( \(opens in new window\))?",
    r"(tweet|pin it|email|print|facebook|twitter|linkedin|whatsapp|copy link|order reprints|print article)",
    r"(email|e-mail|print|save) (this|the) (article|story|post|page)",
    r"like this (story|article)\?.{0,60}",
    r"(\d[\d.,]*\s?[km]?\s+(shares?|comments?|views?|likes?|reactions?|reads?)\s*)+",  # an engagement bar's counts
    r"teilen( auf (facebook|twitter|x|whatsapp))?",
    r"artikel teilen",
    r"partager( sur (facebook|twitter|x))?",
    r"compartir( en (facebook|twitter|x))?",
    r"condividi",
    r"(compartilhe|compartilhar|delen|deel dit artikel|dela|del artikel(en)?|paylaş|поделиться|jaa|megosztás|シェア|分享|공유)",
    # cookie, advertising and subscription notes
    r"(we use cookies|this (web)?site uses cookies).{0,120}",
    r"(accept|allow|reject)( all)? cookies",
    r"cookie (settings|preferences|policy)",
    r"advertisement",
    r"(anzeige|werbung)",
    r"publicité",
    r"publicidad",
    r"pubblicità",
    r"(publicidade|advertentie|reklama|annons|annonse|reklame|reklam|реклама|mainos|hirdetés|広告|广告|광고)",
    r"thanks? (you )?for signing up!?",
    # bylines and credits left as lines of their own
    r"email the author",
    # a writer's job title on its own line under the byline ("Senior Reporter", "Political Correspondent"); not a
    # letter's salutation ("Dear Editor")
    rf"(?!dear\b|to\b|the\b|letters?\b)([\w.'-]+\s+){{0,3}}({JOB_TITLE_WORDS})",
    # a time ago beside the byline ("3 hours ago", "vor 2 Stunden"), a gallery's counter and buttons ("1 of 12")
    r"(updated |published )?(\d+|an?|one) (seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?) ago",
    r"vor (\d+|einer|einem) (sekunden?|minuten?|stunden?|tag|tagen|wochen?)",
    r"(il y a|hace|há) \d+ (minutes?|heures?|jours?|minutos?|horas?|días?|dias?)",
    r"(image|photo|picture|slide|bild|foto)?\s*\d+\s*(of|/|von|de|sur|di|z|van)\s*\d+",
    r"(previous|next|prev|vorheriges|nächstes)\s+(image|photo|picture|slide|bild|foto)",
    r"follow (us|me) on (twitter|x|facebook|instagram)",
    r"getty images",
    *_RELATED,
]
# Agencies and picture desks credited for a photo ("AFP / Jane Doe", "picture alliance | Jane Doe").
_PHOTO_AGENCIES = r"(?:afp|ap|dpa|reuters|epa|getty images|picture[- ]alliance|imago|keystone|ansa)"
# Labels naming a photo's author ("Foto: Jane Doe"); other credit labels ("Source:") also cite a text's sources.
_PHOTO_LABELS = r"(?:photo|foto|fotos|bild|image|credit|bildquelle)"
# Lines that start like furniture, whatever short text follows.
_LEADS = [
    r"(" + "|".join(_RELATED) + r")\s*[:：|»>]",
    r"(sign[- ]?up|subscribe)\b",
    r"(register|join|get|download|click here)\b.{0,160}\b(newsletter|inbox|app|edition|e-?mail|for free|full story)",
    r"(newsletter|abonnieren|abonnez-vous|suscríbete|iscriviti|abonneer|assine|zapisz się|prenumeruj|подпишитесь|tilaa|abone ol)\b",
    r".{0,80}\b(download (the|our)\b.{0,60}\bapps?|(zum|unser(em)?|our|the) newsletter (anmelden|abonnieren|erhalten|sign-?up)"
    r"|(mit unserem|with our) newsletter)\b",
    r".{0,100}\b(copyrighted property|all rights reserved|alle rechte vorbehalten|tous droits réservés"
    r"|todos los derechos reservados|vervielfältigung nur mit genehmigung|alle rechten voorbehouden|todos os direitos reservados"
    r"|tutti i diritti riservati|wszelkie prawa zastrzeżone|všechna práva vyhrazena|все права защищены|tüm hakları saklıdır"
    r"|kaikki oikeudet pidätetään|minden jog fenntartva)",
    r".{0,100}\b(comments are moderated|comments may be (re)?published|publish comments that)",
    _PHOTO_AGENCIES + r"\s*(/|\||photo\b|foto\b)[^.!?]{0,60}$",
    r"(?-i:By|BY|Von|VON|Par|PAR)\s+[^.!?,;:]{2,60}$",
    r"(to (view|read|continue reading) the (full|rest of the) (story|article)|pour (lire|accéder)|this content is (only )?available)",
    r"if you('|’)re (seeing this message|already a subscriber)",
    r"(©|\(c\)|copyright\b|all rights reserved)",
    r"(" + _PHOTO_LABELS + r"|bilder|credits|quelle|source|beeld|imagem|imagen|immagine|fot|zdjęcie"
    r"|фото|kuva|fotó|fotoğraf)\s*:",
    r"(follow|folgen sie|suivez)\b.{0,100}\b(twitter|facebook|instagram|linkedin|youtube|x\.com|@\w+)",
    r"(write to|email|e-mail|contact|reach|kontakt)\b.{0,120}[\w.+-]+@[\w-]+\.\w+",
    r"(have a tip|got a tip|tips\?)\b",
    # a player's or a gallery's label over the page's own ("Watch: The debate in full 2:34")
    r"(watch|video|listen|podcast|gallery|in pictures|audio)\s*[:|]",
    # a contact's labelled telephone number on a line of its own (a press release's closing contact block); a bare
    # address or number can be the article's own (a shop's, a campaign's)
    r"(telefon|telephone|tel|phone|fon|fax|mobil|mobile|téléphone|teléfono|telefono|telefone)\.?\s*[:.]?\s*\+?[\d\s()/.-]{6,}$",
    r"(published|posted|stand|veröffentlicht|publié|publicado|pubblicato|gepubliceerd|opublikowano|publikováno|опубликовано"
    rf"|julkaistu|yayınlanma|{UPDATED_WORDS})\b[^.!?]{{0,60}}$",
]
# A note disclosing affiliate links or an advertiser's pay, wherever it stands in a short text ("Letzte Aktualisierung
# am 2.02.2022 / Bei den Verlinkungen handelt es sich um Affiliate Links"): the publisher's, never the article's.
_DISCLOSURE = re.compile(
    r"\b(?:affiliate[- ]?links?|partner[- ]?links?|provisions?[- ]?links?|we (?:may )?(?:earn|receive|get) (?:a )?(?:small )?"
    r"(?:commission|compensation)|product advertising api|as an amazon associate|references to products from"
    r"|(?:erhalten|bekommen) wir (?:eine|ggf\.?) provision|enlaces? de afiliad\w*|liens? affili\w*|liens? d.affiliation"
    r"|link (?:di )?affiliazione)",
    re.IGNORECASE,
)
MAX_DISCLOSURE_CHARS = 300
# A paywall's or a membership's pitch, wherever it stands in a short line ("Subscribers get unlimited access. Subscribe
# now from $1 a week."): the publisher's, never the article's.
_PITCH = re.compile(
    r"\b(?:subscribe (?:now|today)|already (?:a subscriber|a member|have an account)|unlimited (?:digital )?access"
    r"|subscribers?[- ]only|(?:exclusive(?:ly)? )?for subscribers|start (?:your|a) free trial|become a (?:member|subscriber)"
    r"|jetzt (?:abonnieren|abonnent werden)|bereits abonnent|abonnez-vous|déjà abonné|suscríbete|ya eres suscriptor"
    r"|abbonati)\b",
    re.IGNORECASE,
)
# Who else made the article, on a line of its own ("(Reporting by Jane Doe in Lagos; Editing by John Roe)"): its
# credits, not its text. Names only after each "by": "Reporting by the Times showed ..." is a sentence.
_CREDIT_ROLE = (
    r"(?:(?:additional|further)\s+)?(?:reporting|writing|editing|edited|research|fact-checking|production|graphics|illustrations?)"
    r"\s+by\s+"
)
_CREDIT_NAME = r"(?-i:[A-Z][\w'’.-]*+)(?:\s+(?-i:[A-Z][\w'’.-]*+|de|van|von|bin|al|da|di|du|le|la))*+"
_CREDIT_NAMES = rf"{_CREDIT_NAME}(?:\s*(?:,|&|\band\b)\s*{_CREDIT_NAME})*+(?:\s+in\s+{_CREDIT_NAME})?"
_CREDITS = re.compile(
    rf"^\W*+{_CREDIT_ROLE}{_CREDIT_NAMES}(?:\s*+[,;]?\s*+(?:and\s+|with\s+)?{_CREDIT_ROLE}{_CREDIT_NAMES})*+\W*$", re.IGNORECASE
)
# Headings that open a reader-comment section; everything under one is comments.
_COMMENTS_HEADINGS = [
    r"(top rated |top |reader |readers'? |latest |recent |featured |show |view |all )?comments?( \(\d+\)| \d+)?",
    r"\d+ (comments?|responses?|replies)( to .{1,150})?",
    r"(leave a (reply|comment)|post a comment|add (a|your) comment|join the (discussion|conversation))",
    r"((\d+ )?(leser)?kommentare?|diskussion|commentaires?|comentarios?|comentários?|commenti|reacties|komentarze"
    r"|komentáře|комментарии|yorumlar|kommentarer|kommentit|hozzászólások)( \(\d+\))?",
]
# A note about the author closing the text is its heading and at most this many lines (a photo, a name, a biography).
MAX_AUTHOR_NOTE_LINES = 3
# Headings of a note about the article's author, in many languages ("About the author", "Über die Autorin").
_AUTHOR_NOTE_HEADINGS = (
    r"(about|meet) the (authors?|writers?)|(the )?authors?|über (den|die) autor(in|en|innen)?|zu[mr] autor(in)?"
    r"|(der |die )?autor(in|en|innen)?|(à propos de )?l'auteur(e)?|(sobre )?(el|la) autor(a)?|(sull')?l'autore"
    r"|(over de )?auteur|o autorze|autor|об авторе|автор|yazar hakkında|om (forfatteren|skribenten|författaren)"
    r"|kirjoittajasta|a szerzőről|o autorovi"
)
# Verbs that say who a writer is, after their name opening a biography ("Jane Doe is ...", "... ist ZDF-Reporterin").
_BIOGRAPHY_VERBS = r"is|was|writes|covers|reports|ist|war|schreibt|berichtet|est|écrit|es|escribe|è|scrive|jest|är|er"
# Possessive where what follows never needs what they took back (a date's marks and digits, the line's end):
# otherwise a line of digits and dashes backtracks in cubic time (140 characters: 186 ms, a page of them minutes).
_DATE_OR_TIME = r"[\d\s.,:/-]*(\d{1,2}:\d{2}|\d{4})[\d\s.,:/-]*+(\s*[ap]\.?m\.?)?(\s*uhr)?"

_FURNITURE = re.compile(r"^\W*+(?:" + "|".join(_PHRASES) + r"|" + _DATE_OR_TIME + r")[\W\d]*+$", re.IGNORECASE)
_LEAD = re.compile(r"^\W*(?:" + "|".join(_LEADS) + r")", re.IGNORECASE)
_RELATED_HEADING = re.compile(r"^\W*(?:" + "|".join(_RELATED) + r")(\s+\S+){0,5}\W*$", re.IGNORECASE)
# Only words, counts and a closing colon: a line of code or markup naming comments is no heading.
_COMMENTS_HEADING = re.compile(r"^(?:" + "|".join(_COMMENTS_HEADINGS) + r")\s*:?$", re.IGNORECASE)
_AUTHOR_NOTE_HEADING = re.compile(r"^\W*(?:" + _AUTHOR_NOTE_HEADINGS + r")\W*$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…:;]\W*$")
# A photo's caption ends with its credit ("Mikaela Shiffrin. © AFP / JEFF PACHOUD", "... Foto: Jane Doe").
_CREDIT_ENDING = re.compile(
    r"(?:\s(?:©|\(c\)|" + _PHOTO_LABELS + r"\s*:)|[.!?…)]\s+" + _PHOTO_AGENCIES + r"\s*[/|])[^.!?]{1,60}$",
    re.IGNORECASE,
)
# Words in which a publisher speaks as "we" or to the reader as "you", in the archive's common languages
# (English, German, French, Spanish, Italian, Portuguese, Dutch, the Nordic languages, Finnish, Polish,
# Czech, Russian, Turkish).
_PERSONAL_WORDS = frozenset(
    "we our ours us you your yours wir unser unsere unserem unseren unserer uns du dich dein deine euch euer "
    "nous notre nos vous votre vos nosotros nuestro nuestra nuestros nuestras usted ustedes tu tus noi nostro "
    "nostra nostri nostre voi vostro tuo nós nosso nossa nossos nossas você vocês wij ons onze jij jouw uw vi vår "
    "våre ni dere jeres me meidän te teidän my nasz nasza nasze wy wasz naše náš vy váš мы наш наша наши вы ваш "
    "ваша ваши biz bizim siz sizin".split()
)
# German's formal "you" is told from "she" and "they" by its capital.
_FORMAL_YOU = re.compile(r"\b(?:Sie|Ihr|Ihre|Ihren|Ihrem|Ihrer)\b")
# A publisher's name shorter than this (squashed) is too likely a word of the text.
MIN_PUBLISHER_CHARS = 4


def is_furniture(line: str) -> bool:
    """True for a short line that is a known furniture phrase, starts like furniture, or is only a date, or
    a dateline (a day beside its section, source, author or length)."""
    stripped = line.strip()
    if len(stripped) <= MAX_FURNITURE_CHARS and (_FURNITURE.match(stripped) or is_dateline(stripped)):
        return True
    if len(stripped) <= MAX_DISCLOSURE_CHARS and (_DISCLOSURE.search(stripped) or _CREDITS.match(stripped)):
        return True
    if len(stripped) <= MAX_FURNITURE_CHARS and _PITCH.search(stripped):
        return True
    return len(stripped) <= MAX_LEAD_CHARS and bool(_LEAD.match(stripped) or _CREDIT_ENDING.search(stripped))


# The marks a page sets between a dateline's parts ("2021-10-16 | Politik", "Handball Schweiz • 02.02.2022").
DATELINE_MARK = re.compile(r"\s+[|•·]\s+")
MAX_DATELINE_WORDS = 6
MAX_DATELINE_LABEL_WORDS = 3


def is_dateline(line: str) -> bool:
    """Whether a short line is one day and a label or two beside it, set apart by "|", "•" or "·".

    A table's row (opening with its mark, or holding two days) is the article's.
    """
    if line.startswith("|") or len(line.split()) > MAX_DATELINE_WORDS:
        return False
    parts = DATELINE_MARK.split(line)
    if not 2 <= len(parts) <= 3:
        return False
    days = [part for part in parts if names_a_day(part)]
    return len(days) == 1 and all(len(part.split()) <= MAX_DATELINE_LABEL_WORDS for part in parts if part not in days)


def is_teaser(line: str) -> bool:
    """A short line without a sentence's end: a headline or a link under a related-content heading."""
    stripped = line.strip()
    return len(stripped.split()) <= MAX_TEASER_WORDS and not _SENTENCE_END.search(stripped)


def is_byline(line: str, authors: Iterable[str]) -> bool:
    """True for a short line naming only the article's authors ("By Jane Doe and John Roe")."""
    known = {fold(name) for name in authors}
    if not known or len(line) > MAX_FURNITURE_CHARS:
        return False
    names = {fold(name) for name in split_byline(line)}
    return bool(names) and names <= known


def is_comments_heading(text: str) -> bool:
    """Whether a text is a heading that opens reader comments ("Top Rated Comments", "3 Kommentare", "Leave a Reply")."""
    return bool(_COMMENTS_HEADING.match(" ".join(text.split())))


def without_comment_section(lines: list[str]) -> list[str]:
    """The lines before a reader-comment heading that follows the article's text, else all of them."""
    before = 0
    for position, line in enumerate(lines):
        if before >= MIN_CHARS_BEFORE_COMMENTS and _COMMENTS_HEADING.match(line.strip()):
            return lines[:position]
        if not is_teaser(line):  # a menu's words are no article text before the comments
            before += len(line)
    return lines


def without_author_note(lines: list[str], authors: Iterable[str]) -> list[str]:
    """The lines before a note about the author closing the text, else all of them.

    A heading naming the author after the article's text, with at most ``MAX_AUTHOR_NOTE_LINES``
    lines after it, opens the box of the writer's biography ("AUTOR / ist Gründungspartner der
    Kanzlei ..."): the writer's, not the article's. So does a short line there that opens with
    one of the ``authors``' names and says who they are ("Jane Doe is a reporter covering ...").
    """
    filled = [position for position, line in enumerate(lines) if line.strip()]
    for position in filled[-MAX_AUTHOR_NOTE_LINES - 1 :]:
        if _AUTHOR_NOTE_HEADING.match(lines[position].strip()):
            before = sum(len(line) for line in lines[:position])
            return lines[:position] if before >= MIN_CHARS_BEFORE_COMMENTS else lines
    if biography := _biography_opening(authors):
        # Among the text's last lines but its furniture (share buttons, "Back to top" after the note).
        ending = list(
            itertools.islice((position for position in reversed(filled) if not is_furniture(lines[position])), MAX_AUTHOR_NOTE_LINES + 1)
        )
        for position in reversed(ending):
            line = lines[position].strip()
            if position > filled[0] and len(line) <= MAX_DISCLOSURE_CHARS and biography.match(line):
                return lines[:position]  # the name tells it is the writer's, after however short a text
    return lines


def _biography_opening(authors: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern of a line opening with one of the authors' names and a verb saying who they are, or None.

    Only people's full names: an agency's text may close on itself ("Reuters was unable to verify ...")."""
    people = (" ".join(name.split()) for name in authors)
    names = sorted({name for name in people if len(name.split()) > 1 and not is_organisation(name, [])}, key=len, reverse=True)
    if not names:
        return None
    return re.compile(rf"^(?:{'|'.join(map(re.escape, names))})\s+(?:{_BIOGRAPHY_VERBS})\b", re.IGNORECASE)


def strip_furniture(lines: Iterable[str], authors: Iterable[str] = ()) -> list[str]:
    """The lines without furniture lines, related-content blocks, a trailing comment section and repeated bylines."""
    authors = list(authors)
    lines = without_author_note(without_comment_section(list(lines)), authors)
    kept: list[str] = []
    in_related_block = False
    for line in lines:
        if _RELATED_HEADING.match(line.strip()):
            in_related_block = True
            continue
        if in_related_block and is_teaser(line):
            continue
        in_related_block = False
        if not is_furniture(line) and not is_byline(line, authors):
            kept.append(line)
    return kept


def without_self_promotion(lines: list[str], publishers: Iterable[str]) -> list[str]:
    """The lines without the run closing the text in which the publisher names itself and speaks to the reader
    as "we" or "you": a newsletter's, an app's or a subscription's pitch ("Nehmen Sie Ihr DOMRADIO.DE mit").

    ``lines`` are the text's lines, stripped and none blank; ``publishers`` are the site's names
    (as it states them and as its address spells them).
    An article's own closing line naming the publisher ("Acme is headquartered in ...") speaks to no one.
    """
    names = [name for name in map(fold, publishers) if len(name.replace(" ", "")) >= MIN_PUBLISHER_CHARS]
    end = len(lines)
    while end and _is_self_promotion(lines[end - 1], names):
        end -= 1
    return lines[:end]


def _is_self_promotion(line: str, names: list[str]) -> bool:
    """Whether a short line names the publisher (one of the folded ``names``) and speaks as "we" or to "you"."""
    if len(line) > MAX_LEAD_CHARS:
        return False
    folded = f" {fold(line)} "
    speaks = not _PERSONAL_WORDS.isdisjoint(folded.split()) or bool(_FORMAL_YOU.search(line))
    return speaks and any(f" {name} " in folded for name in names)
