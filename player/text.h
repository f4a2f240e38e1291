/* text: feed strings to clean text. Pure.
 * Output is always valid UTF-8 with no control characters except '\n'
 * between paragraphs; never empty lines, never leading or trailing space. */
#pragma once
#include <stddef.h>

/* Normalises plain text: CR/LF to '\n', runs of whitespace folded to one
 * space, full-width spaces at paragraph starts dropped, control characters
 * and ANSI escape sequences removed, invalid UTF-8 replaced by U+FFFD,
 * blank lines dropped (paragraphs joined by a single '\n'). Caller frees.
 * At most max_out bytes of output (cut at a character boundary). */
char *text_normalise(const char *in, size_t len, size_t max_out);

/* As text_normalise, but to one line: every '\n' becomes a space. */
char *text_normalise_line(const char *in, size_t len, size_t max_out);

/* HTML to text: <p>, <br>, <h1-6>, <li>, <div> give paragraph breaks;
 * entities decoded (named common ones, &#N;, &#xN;); <script> and <style>
 * dropped with their content; other tags removed. Then normalised as above. */
char *text_from_html(const char *html, size_t len, size_t max_out);

/* Number of code points in a UTF-8 string (for reading time). */
size_t text_count_chars(const char *s, size_t len);
