"""Text normalisation for FAQ search: the way students actually type.

Lower case, no accents, no punctuation, French and English stop words and chat filler dropped,
abbreviations and common misspellings mapped to one spelling, and a light plural stemmer. The same
function runs on the knowledge (once, at load) and on every query, so both sides always agree.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

MAX_QUERY_CHARS = 500  # a question is a sentence or two; the rest is noise (and a DoS lever)

STOP_WORDS_EN = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been being am
    do does did doing have has had having i me my mine we us our you your he she it its they them
    their this that these those there here what which who whom whose when where why how can could
    should would will shall may might must not no yes so than then too very just also about into
    over after before again any all some such only own same other more most up down out off any
    get got gets getting im ive id dont cant wont isnt arent didnt doesnt u ur pls please plz thanks
    thank thx hi hello hey guys guy anyone someone somebody bro sir madam dear ok okay know tell
    question questions quick help need want wanna gonna like really actually please kindly regards
    one""".split()
)

STOP_WORDS_FR = frozenset(
    """le la les l un une des du de d au aux a et ou mais donc or ni car ce cet cette ces c ca
    cela ceci je j me m moi tu te t toi il elle on nous vous ils elles se s sa son ses mon ma mes
    ton ta tes notre nos votre vos leur leurs qui que qu quoi dont y en dans sur sous par pour avec
    sans chez est sont etre suis es sommes etes ete etait avoir ai as avons avez ont avait eu
    fait faire ne pas plus moins tres trop bien aussi comme si oui non alors quand comment
    pourquoi quel quelle quels quelles est-ce estce bonjour salut coucou merci svp stp slt bjr
    cordialement question questions aide besoin veux voudrais savoir sais quelqu quelquun svp
    tout tous toute toutes meme deja encore ici la-bas voila mdr svp hello aussi peut peux
    vraiment svp koi jsuis chui jsui quoi stp""".split()
)

STOP_WORDS = STOP_WORDS_EN | STOP_WORDS_FR

# Abbreviations, slang and frequent misspellings → one canonical token (after accent folding).
# Keys may be several words ("titre de sejour"); they are matched before tokenising.
PHRASES = {
    "combien de temps": "duration",
    "how long": "duration",
    "c est quoi": "quoi",
    "c koi": "quoi",
    "titre de sejour": "titre",
    "carte de sejour": "titre",
    "residence permit": "titre",
    "residence card": "titre",
    "recherche d emploi": "rece",
    "recherche emploi": "rece",
    "job search": "rece",
    "job seeker": "rece",
    "job seeking": "rece",
    "jobseeker": "rece",
    "post study": "rece",
    "creation d entreprise": "entreprise",
    "autorisation provisoire de sejour": "aps",
    "timbre fiscal": "timbre",
    "timbres fiscaux": "timbre",
    "tax stamp": "timbre",
    "france travail": "francetravail",
    "pole emploi": "francetravail",
    "carte bleue europeenne": "bluecard",
    "blue card": "bluecard",
    "carte bleue": "bluecard",
    "passeport talent": "talent",
    "contrat d engagement": "engagement",
    "changement de statut": "changestatus",
    "change of status": "changestatus",
    "change status": "changestatus",
    "changer de statut": "changestatus",
    "status change": "changestatus",
}

ALIASES = {
    # abbreviations
    "apss": "aps",
    "rce": "rece",
    "re": "rece",
    "recee": "rece",
    "pref": "prefecture",
    "prefect": "prefecture",
    "prefectur": "prefecture",
    "prefecure": "prefecture",
    "prefacture": "prefecture",
    "prefeture": "prefecture",
    "prefectures": "prefecture",
    "souspref": "prefecture",
    "sous-prefecture": "prefecture",
    "recipisse": "recepisse",
    "recepise": "recepisse",
    "recipise": "recepisse",
    "receipisse": "recepisse",
    "recepice": "recepisse",
    "receipt": "recepisse",
    "tds": "titre",
    "cds": "titre",
    "vls": "vlsts",
    "vlsts": "vlsts",
    "ofii": "ofii",
    "oqtf": "oqtf",
    "anef": "anef",
    "adp": "adp",
    "smic": "smic",
    "cv": "cv",
    "dossier": "file",
    "file": "file",
    # English ↔ French pivots, so mixed questions meet both languages' examples
    "fee": "cost",
    "fees": "cost",
    "price": "cost",
    "prix": "cost",
    "cout": "cost",
    "coute": "cost",
    "couter": "cost",
    "coutent": "cost",
    "tarif": "cost",
    "tarifs": "cost",
    "frais": "cost",
    "payer": "pay",
    "paye": "pay",
    "paid": "pay",
    "paying": "pay",
    "combien": "howmuch",
    "much": "howmuch",
    "diplome": "diploma",
    "diplomes": "diploma",
    "degree": "diploma",
    "degrees": "diploma",
    "travailler": "work",
    "travail": "work",
    "working": "work",
    "bosser": "work",
    "taf": "work",
    "job": "work",
    "jobs": "work",
    "emploi": "work",
    "employer": "employeur",
    "employeurs": "employeur",
    "expire": "expired",
    "expiree": "expired",
    "expiring": "expired",
    "expires": "expired",
    "perime": "expired",
    "perimee": "expired",
    "inde": "india",
    "indien": "india",
    "indienne": "india",
    "indian": "india",
    "indians": "india",
    "tunisie": "tunisia",
    "tunisien": "tunisia",
    "tunisienne": "tunisia",
    "tunisian": "tunisia",
    "algerie": "algeria",
    "algerien": "algeria",
    "algerienne": "algeria",
    "algerian": "algeria",
    "documents": "document",
    "docs": "document",
    "doc": "document",
    "papiers": "document",
    "pieces": "document",
    "piece": "document",
    "justificatifs": "document",
    "eligible": "eligible",
    "eligibilite": "eligible",
    "eligibility": "eligible",
    "qualify": "eligible",
    "attestations": "attestation",
    "renouveler": "renew",
    "renouvellement": "renew",
    "renewal": "renew",
    "renewable": "renew",
    "renouvelable": "renew",
    "duree": "duration",
    "long": "duration",
    "delai": "delay",
    "delais": "delay",
    "stage": "internship",
    "internships": "internship",
    "entreprise": "entreprise",
    "company": "entreprise",
    "business": "entreprise",
    "startup": "entreprise",
    "voyager": "travel",
    "voyage": "travel",
    "travelling": "travel",
    "traveling": "travel",
}

_PUNCT = re.compile(r"[^\w\s]|_", re.UNICODE)
_SPACE = re.compile(r"\s+")
_PHRASE_RE = re.compile(
    r"\b(" + "|".join(sorted((re.escape(p) for p in PHRASES), key=len, reverse=True)) + r")\b"
)


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Lower case, accents removed, punctuation as spaces, phrases mapped; one space between words."""
    text = unicodedata.normalize("NFKD", text[:MAX_QUERY_CHARS].lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _PUNCT.sub(" ", text)
    text = _SPACE.sub(" ", text).strip()
    return _PHRASE_RE.sub(lambda m: PHRASES[m.group(1)], text)


def stem(token: str) -> str:
    """A light stemmer that both languages survive: plural endings only."""
    token = ALIASES.get(token, token)
    if len(token) > 4 and token.endswith(("s", "x")) and not token.endswith("ss"):
        token = token[:-1]
    return ALIASES.get(token, token)


def tokens(text: str) -> list[str]:
    """The search tokens of `text`: folded, stop words dropped, aliases applied, stemmed."""
    out = []
    for raw in fold(text).split():
        if raw in STOP_WORDS or raw.isdigit() and len(raw) < 3:
            continue
        token = stem(raw)
        if token and token not in STOP_WORDS:
            out.append(token)
    return out


def normalised(text: str) -> str:
    """The normalised form kept for unanswered questions: tokens joined, no personal formatting."""
    return " ".join(tokens(text))[:200]


def language_votes(text: str) -> tuple[int, int]:
    """How many words of `text` are French-only and English-only stop words: (fr, en)."""
    words = fold(text).split()
    fr = sum(1 for w in words if w in STOP_WORDS_FR and w not in STOP_WORDS_EN)
    en = sum(1 for w in words if w in STOP_WORDS_EN and w not in STOP_WORDS_FR)
    return fr, en
