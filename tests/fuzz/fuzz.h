/* fuzz: what several harnesses share (fuzz.c, linked into each). A
 * broken promise aborts: libFuzzer reports it as a crash. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

/* Only errors logged: the player's warnings on bad input would flood the
 * fuzzer's output. */
void fuzz_quiet(void);

/* What text.h promises of a text: valid UTF-8, no control character but
 * '\n' between paragraphs (when lines), a paragraph's kind byte at its
 * start and TEXT_SEP in list items and table rows; no space at either end
 * of a paragraph but a code line's. Aborts otherwise. */
void fuzz_check_text(const char *s, bool lines);

/* A document through feed_parse and blocklist_apply (a few fixed terms,
 * Chinese and English), as source takes a feed, then what feed.h and
 * text.h promise of the items checked: clean valid UTF-8 text, caps kept,
 * ids unique. */
void fuzz_feed_check(const char *data, size_t size);
