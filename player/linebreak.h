/* linebreak: where a paragraph of UTF-8 text may be broken into lines.
 * Pure: ICU's UAX #14 line break iterator, then rules for Chinese text.
 *
 * Two layers:
 * - LINEBREAK_ICU: ICU's break opportunities as they are (tested against
 *   Unicode's LineBreakTest.txt).
 * - LINEBREAK_TAILORED: the same, minus every opportunity that would
 *   1. start a line with a no-start character or end one with a no-end
 *      character (kinsoku, see linebreak_no_start/linebreak_no_end);
 *   2. separate a number from its unit: no break between a decimal digit and
 *      a following unit character (万亿元米平方年月日个... see
 *      unit_chars in linebreak.c), nor inside a chain of up to
 *      LINEBREAK_UNIT_CHAIN unit characters after a digit, so "7.5万平方米",
 *      "17亿元" and "2024年" stay whole (ICU alone breaks "7.5|万|平|方|米");
 *   3. split a URL or e-mail address: no break inside a run of printable
 *      ASCII without spaces that contains "://", starts with "www." or
 *      contains '@' (ICU alone breaks after every '/').
 *   4. touch U+00A0, U+202F or U+2009 (spaces that join);
 *   5. split a phone number at a space between its digit groups
 *      ("0755-8321 0000", "138 0013 8000"): digits on both sides of one
 *      space, in a run of digits, '-', '+' and single spaces of at most
 *      LINEBREAK_NUMBER_RUN bytes (a longer run is a list: it keeps its
 *      breaks).
 *   Connectors (～〜—–－·・, clreq 3.1.4) are no-start characters; a number
 *   stays with its unit across spaces the author put ("2025 年") and with a
 *   leading 第; "——" and "……" are never split (ICU: B2 × B2, × IN).
 *   Latin words, numbers ("5.2%") and dates ("2024-06-28") are already kept
 *   whole by ICU.
 * Offsets are byte offsets into the text given. A break opportunity at p
 * means a line may end before byte p; spaces stay at the end of the line
 * before the break (callers trim them). The text's end (len) is always the
 * last opportunity. A '\n' in the text is an ordinary character to this
 * module; callers split paragraphs first. Invalid UTF-8 is tolerated (each
 * bad byte counts as U+FFFD), never read past len. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LINEBREAK_UNIT_CHAIN 6  /* unit characters kept with a number, at most */
#define LINEBREAK_NUMBER_RUN 20 /* bytes of a phone number kept whole, at most */

typedef struct linebreak linebreak;

typedef enum { LINEBREAK_ICU, LINEBREAK_TAILORED } linebreak_mode;

/* language: BCP 47 tag ("zh", "zh-CN", "en"); NULL or "" means "zh". Never
 * NULL: if ICU cannot give an iterator (logged), it falls back to a
 * break between any two characters but before a space, tailored as above. */
linebreak *linebreak_create(const char *language);
void linebreak_destroy(linebreak *lb);

/* Break opportunities of text[0..len), ascending, each in (0, len], the last
 * one len (none for len == 0). *n gets the count. The array belongs to lb
 * and stays valid until the next linebreak_find on lb. */
const size_t *linebreak_find(linebreak *lb, const char *text, size_t len,
                             linebreak_mode mode, size_t *n);

/* Grapheme cluster boundaries of text[0..len), as linebreak_find (the
 * places where a unit too wide for any line may be broken). The array
 * belongs to lb and stays valid until the next linebreak_graphemes. */
const size_t *linebreak_graphemes(linebreak *lb, const char *text, size_t len, size_t *n);

/* Where a unit too wide for any line is broken: inside a URL run (see rule
 * 3) after / ? & = _ - (never before a no-start character), else at
 * grapheme boundaries. The array belongs to lb, as linebreak_graphemes'. */
const size_t *linebreak_emergency(linebreak *lb, const char *text, size_t len, size_t *n);

/* Kinsoku classes. No line starts with a no-start character: UAX #14 classes
 * CL, CP, EX, IS, NS, IN (，。、；：？！）」』》……), CJ, and closing quotes
 * (class QU with general category Pf: ” ’). No line ends with a no-end
 * character: class OP (（「『《) and opening quotes (QU with Pi: “ ‘).
 * linebreak_no_start is a test seam: only linebreak itself and the tests
 * call it. */
bool linebreak_no_start(uint32_t cp);
bool linebreak_no_end(uint32_t cp);

/* true for the characters that stay with a preceding number (rule 2).
 * Test seam: only linebreak itself and the tests call it. */
bool linebreak_is_unit(uint32_t cp);
