/* text: feed strings to clean text. Pure.
 * Output is always valid UTF-8 with no control characters except '\n'
 * between paragraphs and the kind bytes below at their starts; never empty
 * lines (but for a rule or an empty code line), never leading or trailing
 * space. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TEXT_MAX_MARKS 8 /* combining marks kept on one character */

/* Normalises plain text: CR/LF to '\n', runs of whitespace folded to one
 * space, full-width spaces at paragraph starts dropped, control characters
 * and ANSI escape sequences removed, invalid UTF-8 replaced by U+FFFD,
 * blank lines dropped (paragraphs joined by a single '\n'). Caller frees.
 * At most max_out bytes of output (cut at a character boundary).
 *
 * Details: whitespace is ASCII space, tab, VT, FF, U+00A0, U+1680,
 * U+2000-U+200A, U+202F, U+205F and U+3000; all of it is dropped at the start
 * and end of a paragraph (articles indent with "  " or "　　"), inner runs
 * become one ASCII space. Paragraph breaks: LF, CR, CRLF, U+0085, U+2028,
 * U+2029. Dropped: C0 (except the above), DEL, C1, U+00AD, U+061C, U+180E,
 * U+200B, U+200E, U+200F, U+202A-U+202E, U+2060-U+2064, U+2066-U+206F,
 * U+FEFF, U+FFF9-U+FFFB and noncharacters; U+200C and U+200D (emoji joiner)
 * are kept. Escape sequences: CSI (ESC [ ... final byte), string sequences
 * (ESC ] / P / X / ^ / _ up to BEL or ESC \, or the end of the line), other
 * ESC sequences (ESC, intermediates, final byte). Each ill-formed UTF-8
 * sequence (maximal subpart, Unicode 15 section 3.9) becomes one U+FFFD.
 * After one character, at most TEXT_MAX_MARKS combining marks (Unicode
 * Grapheme_Extend) are kept and the rest dropped; U+200D between them
 * neither counts nor resets the count.
 * The result excludes the terminating NUL; max_out 0 gives "". */
char *text_normalise(const char *in, size_t len, size_t max_out);

/* As text_normalise, but to one line: every '\n' becomes a space. */
char *text_normalise_line(const char *in, size_t len, size_t max_out);

/* ---- paragraphs with a kind ----
 * text_from_html and text_from_plain give paragraphs separated by '\n'. A
 * paragraph may start with one kind byte (a C0 control, found nowhere else
 * in the output) and its arguments; one without is body text:
 *   TEXT_HEADING  "\x01" level ('1'..'6') text
 *   TEXT_ITEM     "\x02" level ('1'..'9') marker "\x1f" text; the marker is
 *                 "•", "◦", "▪" (by level) or "3." (ordered list)
 *   TEXT_QUOTE    "\x03" level ('1'..'9') text (in a <blockquote>)
 *   TEXT_RULE     "\x04" and nothing else (<hr>)
 *   TEXT_CODE     "\x05" one line of code, spaces kept, may be empty
 *   TEXT_ROW      "\x06" cells separated by "\x1f"; consecutive rows are one
 *                 table
 *   TEXT_BREAK    "\x07" text: a line after <br>, the same paragraph as the
 *                 one before (its indent and kind, no first-line indent, no
 *                 gap between them)
 * Everything but code lines is folded to single spaces, no space at either
 * end. text_block_parse reads one paragraph. */
typedef enum {
    TEXT_BODY = 0,
    TEXT_HEADING = 1,
    TEXT_ITEM = 2,
    TEXT_QUOTE = 3,
    TEXT_RULE = 4,
    TEXT_CODE = 5,
    TEXT_ROW = 6,
    TEXT_BREAK = 7,
} text_kind;

#define TEXT_SEP '\x1f' /* between a list marker and its text, and cells */

typedef struct {
    text_kind kind;
    int level;          /* heading 1-6, item and quote level 1-9, else 0 */
    const char *marker; /* item: its marker, else "" */
    size_t marker_len;
    const char *text; /* the rest: text, or a row's cells */
    size_t len;
} text_block;

/* The kind, level, marker and text of paragraph p[0..len) (no '\n'). */
text_block text_block_parse(const char *p, size_t len);

/* Plain text (content_text) to paragraphs. A blank line separates
 * paragraphs. Whether a single newline does too is read from the text:
 * hard-wrapped text (mail, old text files: most lines that go on cut
 * within a few columns of one width of 30-150 columns, wide characters
 * counting 2, and fewer than half ending a sentence) has its lines joined
 * by the CSS Text 3 segment-break rule (nothing between two East Asian
 * wide characters other than Hangul, else one space), except before a line
 * that starts a list ("- ", "1. ", "一、", "（") or is indented when the
 * others are not, or after one the next word would have fitted on. In
 * other text (a Chinese notice, one paragraph per line) each line is a
 * paragraph. No paragraph starts with a closing mark (line-break class
 * CL, CP, EX, IS or a closing quote): it is joined to the one before.
 * Cleaned as text_normalise; no kind bytes. At most max_out bytes. */
char *text_from_plain(const char *in, size_t len, size_t max_out);

/* HTML to paragraphs with kinds (above), parsed by gumbo (HTML5: the whole
 * named-entity table, implied end tags, tables). Blocks (p, div, section,
 * li, h1-h6, tr, ...) end paragraphs; a <br> ends a line (TEXT_BREAK), two
 * in a row a paragraph; source white space with a newline follows the
 * segment-break rule. <ol> items are numbered (from start=), nested lists
 * have levels; <pre>, and a <code> holding a newline, give code lines, at
 * most 8, then a note "（代码共 N 行，只显示前 8 行）". A table gives rows;
 * one that holds a <pre> (a highlighter's) gives its code, and a column of
 * line numbers 1, 2, 3... (a gutter, in cells or in one cell) is dropped.
 * script, style, template, noscript, head, iframe, object, svg, math,
 * select and textarea are dropped with their content. Then cleaned as
 * text_normalise, and no paragraph starts with a closing mark. Caps: the
 * first 2 MiB and 20,000 start tags are parsed (which bounds the tree's
 * depth and the time; gumbo has no depth option), 60 rows of 12 cells a
 * table, max_out bytes of output. */
char *text_from_html(const char *html, size_t len, size_t max_out);

/* Number of code points in a UTF-8 string (for reading time). For
 * ill-formed input, the count of bytes that are not continuation bytes. */
size_t text_count_chars(const char *s, size_t len);

/* Not a code point: what text_utf8_next reports for ill-formed input. */
#define TEXT_UTF8_INVALID 0x110000u

/* Decodes the UTF-8 sequence at s (len > 0). Returns the bytes it covers
 * (>= 1) and sets *cp to the code point, or to TEXT_UTF8_INVALID for an
 * ill-formed sequence (overlong, surrogate, > U+10FFFF, truncated), which
 * then covers its maximal valid prefix. */
size_t text_utf8_next(const char *s, size_t len, uint32_t *cp);

/* True for a code point that East Asian typography sets one em wide (ICU's
 * East_Asian_Width Wide or Fullwidth: ideographs, kana, Hangul, CJK and
 * full-width punctuation, most emoji); Ambiguous ones (“ ” — …) are not.
 * The one width test for text, fonts and render. */
bool text_is_wide(uint32_t cp);

/* A mark that joins the character before it (Grapheme_Extend: nonspacing
 * and enclosing marks, variation selectors, emoji modifiers and tags). */
bool text_is_mark(uint32_t cp);

/* Encodes a code point (<= U+10FFFF) as UTF-8 into out (room for 4
 * bytes); returns the bytes written. */
size_t text_utf8_put(uint32_t cp, char *out);

/* True when all len bytes are well-formed UTF-8. */
bool text_utf8_valid(const char *s, size_t len);

/* Scraped Chinese pages often carry ASCII ,;:!? between Chinese characters
 * ("街道,已初步"). Each such mark that follows a wide character
 * (text_is_wide: Han, kana, Hangul, CJK or full-width punctuation), or a
 * closing quote when a wide character follows
 * the mark, and is not followed by a space becomes its
 * full-width form, as a printed notice sets it; so does one followed by
 * spaces and a wide character, the spaces dropped ("今天, 我们" becomes
 * "今天，我们"). Parentheses and straight double quotes next to a wide
 * character (spaces skipped) become （） and “” in pairs, with the spaces
 * between them and Chinese dropped ("用 (免费) 的" becomes "用（免费）的");
 * a quote without its pair stays. "1,000", "Hello, world", "9:00", "f(x)"
 * and URLs stay as they are; each paragraph ('\n') starts afresh. Takes ownership of s
 * (frees it) and returns the result, at most three times as long. */
char *text_cjk_punct(char *s);
