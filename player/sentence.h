/* sentence: where a text may be cut without stopping mid-sentence. Pure.
 * A sentence ends after a run of terminators (。！？｡‼⁇⁈⁉ always; ASCII . ! ?
 * only when a space, a line end, the text's end or a wide character follows
 * the run, so "3.14", "example.com/a?b" and "v1.2" are no ends) and the
 * closing quotes and brackets after it (” ’ 」 』 ） 》 〉 】 〕 " ' ) ]).
 * A paragraph also ends at each '\n' and at the text's end. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

/* The first sentence end in s[0..len) after byte from (from < len): the
 * byte offset just past it, at most len. An end at a '\n' is the offset of
 * the '\n'. */
size_t sentence_next(const char *s, size_t len, size_t from);

/* The longest prefix of s[0..len) that ends at a sentence end and has at
 * most max bytes: its length, 0 when there is none. */
size_t sentence_cut(const char *s, size_t len, size_t max);

/* Whether s[0..pos) ends at a sentence end (pos <= len). */
bool sentence_ends_at(const char *s, size_t len, size_t pos);
