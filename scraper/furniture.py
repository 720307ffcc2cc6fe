"""The last safety net: drop lines of page furniture that an extractor let through.

Only whole, short lines that match a known furniture phrase are removed, so an
article sentence that merely contains one of these words is kept. Phrases are
case-insensitive and cover the languages most common in the archive.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# A furniture line is short; anything longer is prose and is never touched.
MAX_FURNITURE_CHARS = 140

_PHRASES = [
    # comment forms
    r"leave a (reply|comment)",
    r"post a comment",
    r"(\d+ )?comments?( \(\d+\))?",
    r"add (a|your) comment",
    r"your email address will not be published\.?( required fields are marked \*?)?",
    r"required fields are marked \*?",
    r"(name|email|website|comment)\s*\*?",
    r"save my name, email, and website in this browser for the next time i comment\.?",
    r"(post|submit) comment",
    r"cancel reply",
    r"you must be logged in to post a comment\.?",
    r"kommentar (schreiben|abgeben|verfassen)",
    r"deine e-mail-adresse wird nicht veröffentlicht\.?.*",
    r"ihre e-mail-adresse wird nicht veröffentlicht\.?.*",
    r"laisser un commentaire",
    r"votre adresse (e-mail|de messagerie) ne sera pas publiée\.?.*",
    r"deja (un|una) (comentario|respuesta)",
    r"tu dirección de correo electrónico no será publicada\.?.*",
    r"lascia un commento",
    r"il tuo indirizzo email non sarà pubblicato\.?.*",
    # navigation
    r"back to top( button)?",
    r"(scroll|go|jump) to top",
    r"nach oben( scrollen)?",
    r"zurück nach oben",
    r"retour en haut( de (la )?page)?",
    r"volver arriba",
    r"torna su",
    r"skip to (main )?content",
    r"zum inhalt springen",
    r"(show|load|read|view) more",
    r"mehr (anzeigen|laden|lesen)",
    r"weiterlesen",
    r"voir plus",
    r"ver más",
    r"continue reading",
    r"read next",
    r"next (post|article)",
    r"previous (post|article)",
    r"(vorheriger|nächster) (artikel|beitrag)",
    # sharing
    r"share( this( (article|story|post))?)?( on (facebook|twitter|x|linkedin|whatsapp|email))?:?",
    r"(click to )?share on (facebook|twitter|x|linkedin|whatsapp|pinterest|reddit|telegram)( \(opens in new window\))?",
    r"(tweet|pin it|email|print|facebook|twitter|linkedin|whatsapp|copy link)",
    r"teilen( auf (facebook|twitter|x|whatsapp))?",
    r"artikel teilen",
    r"partager( sur (facebook|twitter|x))?",
    r"compartir( en (facebook|twitter|x))?",
    r"condividi",
    # related content
    r"related( (posts|articles|stories|news|content|topics))?:?",
    r"(you may|you might) also like:?",
    r"more (from|on) this (topic|story|section)",
    r"(recommended|trending|most read|most popular)( (stories|articles|for you))?:?",
    r"(das könnte sie auch interessieren|mehr zum thema|weitere artikel):?",
    r"(à lire aussi|lire aussi|sur le même sujet):?",
    r"(te puede interesar|noticias relacionadas|lee también):?",
    r"(leggi anche|potrebbe interessarti):?",
    # cookie, newsletter and subscription notes
    r"(we use cookies|this (web)?site uses cookies).{0,120}",
    r"(accept|allow|reject)( all)? cookies",
    r"cookie (settings|preferences|policy)",
    r"(sign up|subscribe) (for|to) (our|the) newsletter.{0,80}",
    r"newsletter (abonnieren|bestellen)",
    r"abonnez-vous à (notre|la) newsletter.{0,60}",
    r"suscríbete (a nuestro|al) boletín.{0,60}",
    r"advertisement",
    r"anzeige",
    r"publicité",
    r"publicidad",
    r"pubblicità",
    # bylines left as lines of their own
    r"email the author",
    r"follow (us|me) on (twitter|x|facebook|instagram)",
]
_FURNITURE = re.compile(r"^\W*(?:" + "|".join(_PHRASES) + r")\W*$", re.IGNORECASE)


def is_furniture(line: str) -> bool:
    """True for a short line that is nothing but a known furniture phrase."""
    stripped = line.strip()
    return len(stripped) <= MAX_FURNITURE_CHARS and bool(_FURNITURE.match(stripped))


def strip_furniture(lines: Iterable[str]) -> list[str]:
    """The lines without furniture lines, in order."""
    return [line for line in lines if not is_furniture(line)]
