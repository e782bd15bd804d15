"""Catalogue search over course, module and lesson titles and lesson text.

Words are reduced to their Indonesian stem (Sastrawi) before they are indexed and before a
query is looked up, so "rapat" also finds "merapatkan" and "layanan" finds "pelayanan"; codes
such as "M.03" stay one word. The engine's own full-text index does the finding and the
ranking (SQLite FTS5 with bm25, PostgreSQL ``tsvector`` with ``ts_rank``); titles weigh more
than text. Entries are written when a version is published (``index_version``)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

import nh3
from markupsafe import Markup, escape
from sqlalchemy import select, text
from sqlalchemy.orm import Session, selectinload

from lms.content import CoursePackage, Lesson
from lms.courses.models import CourseCompetency, CourseVersion, SearchEntry

# A word, or a code whose parts are joined by "." or "-" ("M.03", "SK-01", "3.5").
_TOKEN = re.compile(r"[^\W_]+(?:[.\-][^\W_]+)*")
_ASCII_WORD = re.compile(r"[a-z]+")
MAX_QUERY_WORDS = 8
HITS_PER_COURSE = 3
_SNIPPET_CHARS = 180

# Both engines see the same stems; the expression must match the GIN index of migration 0014.
PG_VECTOR = ("setweight(to_tsvector('simple', e.title_stems), 'A') || "
             "setweight(to_tsvector('simple', e.body_stems), 'B')")


def engine_specific(name: str | None, type_: str, parent_names: dict) -> bool:
    """For Alembic's ``include_name``: False for the full-text objects only one engine has
    (SQLite's ``search_fts`` tables, PostgreSQL's GIN index), which no model describes."""
    return not (name or "").startswith(("search_fts", "ix_search_entries_fts"))


@cache
def _stemmer():
    """Sastrawi's stemmer with its dictionary held in a set. Sastrawi keeps its 30,000 root
    words in a list, so each lookup scans it (13 ms per new word, 44 s for the starter
    courses' 3,300 words); its own result cache is left out, ``stem`` has one."""
    from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
    from Sastrawi.Stemmer.Stemmer import Stemmer
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    dictionary = ArrayDictionary()  # ``contains`` is ``word in words``; ``add`` skips blanks
    dictionary.words = frozenset(w for w in StemmerFactory().get_words() if w.strip())
    return Stemmer(dictionary)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The index form of one word: its Indonesian stem, or a code without its punctuation."""
    word = word.lower()
    if _ASCII_WORD.fullmatch(word):
        return _stemmer().stem(word) or word
    return re.sub(r"[.\-]", "", word)


def stems(words: str) -> str:
    """Every word of ``words`` in index form, in order, separated by spaces."""
    return " ".join(stem(token) for token in _TOKEN.findall(words))


_HEADING_END = re.compile(r"(</h[1-6]>)")


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment, without tags, entities decoded, spaces collapsed; a
    heading is set off from the paragraph after it by a dash."""
    marked = _HEADING_END.sub(r"\1 — ", fragment)
    return " ".join(html.unescape(nh3.clean(marked, tags=set())).split())


@dataclass(frozen=True)
class Part:
    """A searchable part of a course before it is stored."""

    kind: str
    title: str
    body: str
    item_key: str | None = None
    context: str = ""


def package_parts(package: CoursePackage) -> list[Part]:
    """The course (with its competency codes), each module, and each lesson and quiz."""
    codes = " ".join(c.code for c in package.competencies)
    parts = [Part("course", package.title, " ".join(
        (package.summary, plain_text(package.description_html), codes)))]
    for module in package.modules:
        parts.append(Part("module", module.title,
                          f"{module.summary} {plain_text(module.intro_html)}".strip()))
        for item in module.items:
            body = item.html if isinstance(item, Lesson) else item.intro_html
            parts.append(Part("lesson" if isinstance(item, Lesson) else "quiz", item.title,
                              plain_text(body), item.id, module.title))
    return parts


def index_version(session: Session, version_id: int, package: CoursePackage) -> None:
    """Write the search entries of a newly published version."""
    session.add_all(
        SearchEntry(version_id=version_id, kind=p.kind, item_key=p.item_key,
                    title=p.title[:200], context=p.context[:200], body=p.body,
                    title_stems=stems(p.title), body_stems=stems(f"{p.context} {p.body}"))
        for p in package_parts(package))


@dataclass(frozen=True)
class Hit:
    """A module, lesson or quiz that matched, with the matching words marked."""

    kind: str
    item_key: str | None
    title: Markup
    context: str
    snippet: Markup


@dataclass
class CourseResult:
    """A course that matched, best first; ``hits`` are its parts that matched (not the course
    itself), best first."""

    version: CourseVersion
    hits: list[Hit] = field(default_factory=list)


def query_stems(query: str) -> list[str]:
    """The distinct index forms of the first words of a search text."""
    found: list[str] = []
    for token in _TOKEN.findall(query)[:MAX_QUERY_WORDS]:
        if (form := stem(token)) and form not in found:
            found.append(form)
    return found


def _ranked_entries(session: Session, forms: list[str]) -> list[tuple[int, int]]:
    """(entry id, version id) of the current versions' entries holding every form, best
    first (at most 200)."""
    current = ("JOIN course_versions v ON v.id = e.version_id "
               "JOIN courses c ON c.id = v.course_id AND c.current_number = v.number")
    if session.get_bind().dialect.name == "postgresql":
        sql = (f"SELECT e.id, e.version_id FROM search_entries e {current} "
               f"WHERE {PG_VECTOR} @@ to_tsquery('simple', :terms) "
               f"ORDER BY ts_rank({PG_VECTOR}, to_tsquery('simple', :terms)) DESC, e.id LIMIT 200")
        terms = " & ".join(forms)
    else:
        sql = (f"SELECT e.id, e.version_id FROM search_fts JOIN search_entries e "
               f"ON e.id = search_fts.rowid {current} WHERE search_fts MATCH :terms "
               f"ORDER BY bm25(search_fts, 4.0, 1.0), e.id LIMIT 200")
        terms = " ".join(f'"{form}"' for form in forms)  # forms are letters and digits only
    return [(row[0], row[1]) for row in session.execute(text(sql), {"terms": terms})]


def search_catalogue(session: Session, query: str,
                     competency: str | None = None) -> list[CourseResult]:
    """Published courses matching ``query`` (every word in one of their parts), best first,
    each with its best matching parts; only courses for ``competency`` when given."""
    forms = query_stems(query)
    if not forms:
        return []
    ranked = _ranked_entries(session, forms)
    if not ranked:
        return []
    versions = _versions(session, {version_id for _, version_id in ranked}, competency)
    entries = {e.id: e for e in session.scalars(
        select(SearchEntry).where(SearchEntry.id.in_([entry_id for entry_id, _ in ranked])))}
    results: dict[int, CourseResult] = {}
    for entry_id, version_id in ranked:
        if version_id not in versions:
            continue
        result = results.setdefault(version_id, CourseResult(versions[version_id]))
        entry = entries[entry_id]
        if entry.kind != "course" and len(result.hits) < HITS_PER_COURSE:
            result.hits.append(Hit(entry.kind, entry.item_key, mark(entry.title, forms),
                                   entry.context, snippet(entry.body, forms)))
    return list(results.values())


def _versions(session: Session, ids: set[int],
              competency: str | None) -> dict[int, CourseVersion]:
    query = (select(CourseVersion).where(CourseVersion.id.in_(ids))
             .options(selectinload(CourseVersion.competencies),
                      selectinload(CourseVersion.course)))
    if competency:
        query = query.where(CourseVersion.competencies.any(
            CourseCompetency.competency_code == competency))
    return {v.id: v for v in session.scalars(query)}


def mark(words: str, forms: list[str]) -> Markup:
    """``words`` escaped, each word whose index form was asked for wrapped in <mark>."""
    out, position = [], 0
    for token in _TOKEN.finditer(words):
        out.append(escape(words[position:token.start()]))
        piece = escape(token.group(0))
        out.append(Markup(f"<mark>{piece}</mark>") if stem(token.group(0)) in forms else piece)
        position = token.end()
    out.append(escape(words[position:]))
    return Markup("").join(out)


def snippet(body: str, forms: list[str]) -> Markup:
    """About 180 characters of ``body`` around its first matching word, matches marked."""
    first = next((t.start() for t in _TOKEN.finditer(body) if stem(t.group(0)) in forms), None)
    if first is None:
        return Markup("")
    start = max(0, first - _SNIPPET_CHARS // 3)
    if start:
        start = body.find(" ", start) + 1 or start
    end = min(len(body), start + _SNIPPET_CHARS)
    if end < len(body):
        end = body.rfind(" ", start, end) if body.rfind(" ", start, end) > first else end
    piece = mark(body[start:end], forms)
    return Markup("").join([Markup("… ") if start else Markup(""), piece,
                            Markup(" …") if end < len(body) else Markup("")])
