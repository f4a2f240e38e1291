/* text: feed strings to clean text. Pure.
 * Output is always valid UTF-8 with no control characters except '\n'
 * between paragraphs; never empty lines, never leading or trailing space. */
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

/* HTML to text: <p>, <br>, <h1-6>, <li>, <div> give paragraph breaks;
 * entities decoded (named common ones, &#N;, &#xN;); <script> and <style>
 * dropped with their content; other tags removed. Then normalised as above.
 *
 * Details: also breaks at ul ol dl dt dd tr table blockquote pre hr
 * section article header footer aside nav figure figcaption address main;
 * td and th give a space; <template> is dropped like <script>; comments,
 * <!...> and <?...> are dropped; an unterminated tag, comment or script runs
 * to the end. Raw newlines and tabs are spaces, as in HTML. A '<' not
 * followed by a letter, '/', '!' or '?' is text. Numeric references: 0,
 * surrogates and values above U+10FFFF give U+FFFD, 128-159 are read as
 * Windows-1252 (as browsers do); ';' is optional after them. Named: amp lt
 * gt quot apos nbsp mdash ndash hellip ldquo rdquo lsquo rsquo middot bull
 * laquo raquo copy reg trade deg times divide yen euro ensp emsp thinsp
 * (';' required except after amp lt gt quot nbsp copy reg, as browsers do);
 * an unknown one is kept literally. A list item (<li>) starts its paragraph
 * with "• " so that it reads as a list on screen. */
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
