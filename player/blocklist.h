/* blocklist: a list of terms (gambling, phishing, obscene words) that keeps
 * an item off the screen. Pure: terms come from a buffer, no I/O, no clock.
 *
 * Matching is done on normalised text, terms and text alike: Unicode
 * NFKC_Casefold (ICU), which folds full-width letters and case and removes
 * default-ignorable characters (U+200B, U+200D, U+FEFF...), and then only
 * "term characters" are kept: letters, combining marks and numbers (general
 * categories L*, M*, N*). Everything else (spaces, punctuation, symbols,
 * controls, format characters) is dropped, so "w i l l i a m h i l l",
 * "William-Hill" and "威 廉 希 尔" match the terms "williamhill" and "威廉希尔".
 * A term is thus found across the gaps between words: a very short term
 * (one letter) would match almost anything, so keep terms specific.
 *
 * The terms form one Aho-Corasick automaton over the UTF-8 bytes of the
 * normalised text: one pass over a text finds any of the terms, whatever
 * their number. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#define BLOCKLIST_MAX_BYTES (1024 * 1024) /* a larger file is refused */
#define BLOCKLIST_MAX_TERMS 20000         /* lines past this are ignored (one log line) */
#define BLOCKLIST_MAX_TERM 256            /* bytes of a line; a longer term is skipped */

typedef struct blocklist blocklist;
struct feed;

/* Reads terms from buf: one per line, text from '#' to the end of the line
 * is a comment, blank lines are skipped. A term with no term character left
 * after normalising, or longer than BLOCKLIST_MAX_TERM bytes, or invalid
 * UTF-8, is skipped with one log line naming source and line; of two terms
 * that normalise alike, the first is the one reported. Returns NULL (one log line) when
 * len exceeds BLOCKLIST_MAX_BYTES. A list with no terms is valid and
 * matches nothing. */
blocklist *blocklist_load(const char *buf, size_t len, const char *source);

void blocklist_destroy(blocklist *bl);

size_t blocklist_count(const blocklist *bl);

/* The term (as written in the list) that text (UTF-8, len bytes; invalid
 * bytes count as U+FFFD) contains after normalising, or NULL. When several
 * match, the one ending first wins. bl NULL: NULL. */
const char *blocklist_match(const blocklist *bl, const char *text, size_t len);

/* Sets each item's blocked (a copy of the term, or NULL) from its title,
 * body, summary and url, each normalised once, and logs one line per
 * blocked item naming source, item id and term. Returns the number of
 * blocked items. bl NULL clears nothing and returns 0. */
size_t blocklist_apply(const blocklist *bl, struct feed *f, const char *source);
