/* feed: a JSON Feed 1.1 document (with the _signage extension) to an item
 * list. Pure: parses a buffer, no I/O, no clock. Item text is normalised
 * (text.h) so that everything later sees only clean UTF-8. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "template.h"

#define FEED_MAX_BYTES (8 * 1024 * 1024)
#define FEED_MAX_ITEMS 10000
#define FEED_MAX_TEXT (64 * 1024) /* bytes of body text per item, after normalising */
/* The last paragraph of a body cut at FEED_MAX_TEXT (at a sentence end). */
#define FEED_CUT_NOTE "（正文过长，已截断）"
#define FEED_MAX_PAGES 1000 /* the largest _signage.max_pages */
#define FEED_MAX_TITLE 1024
#define FEED_MAX_HOURS 8
#define FEED_MAX_ID 1024       /* bytes; an item with a longer id is skipped */
#define FEED_MAX_URL 4096      /* bytes; a longer image URL is dropped */
#define FEED_MAX_DURATION 3600 /* seconds; a larger _signage.duration is capped */
#define FEED_MAX_LOG_LINES 50  /* item problems logged per document, then one summary */
#define FEED_JSON_MAX_DEPTH 64 /* nesting of arrays and objects */
/* JSON values in a document (items past FEED_MAX_ITEMS not counted): about
 * 80 bytes each in cJSON's tree, so the tree stays near 32 MB at most. */
#define FEED_JSON_MAX_VALUES (40 * FEED_MAX_ITEMS)
#define FEED_TRIM_BYTES (256 * 1024) /* after a larger document, memory is trimmed */

typedef enum {
    FEED_PRIORITY_NORMAL,
    FEED_PRIORITY_HIGH,
    FEED_PRIORITY_URGENT,
    FEED_PRIORITY_COUNT /* not a priority: the number of them */
} feed_priority;

/* A daily window in minutes since local midnight. to <= from crosses midnight
 * and belongs to the day it starts. */
typedef struct {
    int16_t from, to;
} feed_window;

/* The _signage extension. A field that was absent or invalid keeps has_x false. */
typedef struct {
    bool has_start, has_end;
    int64_t start, end; /* Unix seconds (UTC) */
    uint8_t days; /* bit d (1..7, ISO Monday=1) set: shown that day; 0 = every day */
    int n_hours;
    feed_window hours[FEED_MAX_HOURS];
    int duration; /* seconds per page, 0 = reading-time rule */
    bool has_priority;
    feed_priority priority;
    bool has_order;
    int order;
    bool has_enabled;
    bool enabled;
    int max_pages;    /* the airtime cap for this item, 0 = the config's */
    bool ticker;      /* scrolls in the footer's ticker, never a slide */
    template_fit fit; /* how its picture fills its box; AUTO: not said */
} feed_signage;

typedef struct {
    char *id;
    char *title;        /* normalised single line; may be "" */
    char *body;         /* normalised text: paragraphs separated by '\n' */
    char *summary;      /* normalised like body; may be NULL */
    char *image;        /* URL or NULL */
    char *banner_image; /* URL or NULL */
    char *language;     /* NULL: the feed's */
    char *url;          /* the item's url or NULL (read for the blocklist) */
    char *blocked;      /* the blocklist term it matched (blocklist_apply), or NULL */
    bool has_date_published;
    int64_t date_published; /* Unix seconds */
    bool has_date_modified;
    int64_t date_modified;
    feed_signage signage; /* feed-wide defaults already applied */
} feed_item;

typedef struct feed {
    char *title;
    char *language; /* NULL if absent */
    char *home_page_url;
    bool expired;
    feed_signage defaults; /* the feed-level _signage object */
    size_t n_items;
    feed_item *items;
    size_t n_dropped; /* entries of the document's items that were not usable */
} feed;

/* Parses a JSON Feed. Returns NULL (after one log line naming source and the
 * problem) when the document is not JSON or not a JSON Feed. Items that
 * cannot be shown are skipped with one log line each naming source, item id
 * and the problem. A feed with zero usable items is returned (n_items == 0)
 * when the document itself is a valid feed.
 *
 * The document must be UTF-8 (a leading BOM is skipped); invalid UTF-8 or
 * JSON that feed_json_valid refuses rejects the whole document, because
 * replacing bytes could silently change ids. version must be
 * "http(s)://jsonfeed.org/version/1" or ".../1.1"; title a string; items an
 * array. An item needs an id (a string; a number is converted) and
 * content_text or content_html (strings). body is content_text normalised
 * when that gives any text, else content_html converted; title is one line.
 * A body or summary longer than FEED_MAX_TEXT is cut at the last sentence
 * end (sentence.h) before it and ends with the paragraph FEED_CUT_NOTE.
 * A known item field of the wrong type (title, summary, content_*, url,
 * external_url, image, banner_image, language, date_*: strings; tags: array)
 * skips the item; null counts as absent. Invalid date_* values are dropped
 * alone, and so is a language that feed_language_valid refuses (or longer
 * than 64 bytes) or an image URL longer than FEED_MAX_URL. An item with
 * neither title nor body text left is skipped. The
 * first of two items with the same id is kept. Only the first FEED_MAX_ITEMS
 * elements of items are read (one log line): the rest never reach cJSON.
 * A document of more than FEED_JSON_MAX_VALUES values is refused. A
 * string holding U+0000 ("\u0000", which cJSON would cut there) skips its
 * item, or refuses the document when it is outside the items. After a
 * document of FEED_TRIM_BYTES or more, freed memory is given back to the
 * system (util_release_memory). Past FEED_MAX_LOG_LINES problem lines
 * in one document, the rest are counted in one closing line.
 *
 * _signage (feed level: defaults; item level: overrides field by field):
 * start, end (RFC 3339), days (non-empty array of 1..7), hours (1 to
 * FEED_MAX_HOURS windows as feed_parse_window reads them), duration (integer
 * >= 1, capped at FEED_MAX_DURATION), priority ("normal", "high", "urgent"),
 * order (integer), enabled (bool), max_pages (integer 1..FEED_MAX_PAGES), ticker
 * (bool: the item's title, else its text, scrolls in the footer), fit ("contain",
 * "cover" or "auto": how its picture fills its box, template.h). An invalid
 * value drops that field alone (the feed default then stays) with one log line; unknown
 * fields and null values are ignored; a _signage that is not an object is ignored. */
feed *feed_parse(const char *json, size_t len, const char *source);

/* Frees f (NULL: nothing) and gives the freed memory back to the system. */
void feed_destroy(feed *f);

/* Parses an RFC 3339 timestamp ("2024-06-28T09:00:00+08:00"): 'T' or 't'
 * (or a space) between date and time, optional fraction of a second
 * (truncated), 'Z', 'z' or +hh:mm / -hh:mm. Years 0000-9999; the day must
 * exist (no Feb 30, Feb 29 only in leap years); second 60 is accepted. */
bool feed_parse_time(const char *s, int64_t *out_unix);

/* Strict RFC 8259 check, run before cJSON (which accepts trailing
 * garbage, "-01", "1.", control characters in strings...): one value with
 * optional whitespace around it, well-formed UTF-8 everywhere, escapes
 * \" \\ \/ \b \f \n \r \t \uXXXX with surrogates only in valid pairs,
 * no more than FEED_JSON_MAX_DEPTH nested arrays/objects. No BOM. Does not
 * recurse deeper than FEED_JSON_MAX_DEPTH. feed_parse runs it; public as a
 * test seam (JSONTestSuite, bench_feed). */
bool feed_json_valid(const char *buf, size_t len);

/* A daily window "HH:MM-HH:MM", the one rule for the feed's _signage.hours
 * and the config's [hours]: exactly two digits each, hours 00-23 and
 * minutes 00-59 ("24:00" only as the end), no signs or spaces. An end
 * before the start crosses midnight. Equal times are refused: a window of
 * no length, or of a whole day, is ambiguous ("00:00-24:00" is a whole
 * day). */
bool feed_parse_window(const char *s, feed_window *w);

/* Whether tag has the shape of a BCP 47 language tag: subtags of 1 to 8
 * letters or digits joined by '-', the first 2 to 8 letters (or "x" / "i"
 * for private and grandfathered tags, followed by more). */
bool feed_language_valid(const char *tag);

/* Whether name is a _signage field feed_parse reads (an unknown one is
 * ignored there; --check-feed warns of it). */
bool feed_signage_known(const char *name);

/* Index of the item with this id, or -1. */
/* The item's picture: its image, else its banner_image; NULL when none. */
const char *feed_item_image(const feed_item *item);

/* "normal", "high" or "urgent": the name the feed writes for p; NULL for a
 * value that is no priority. */
const char *feed_priority_name(feed_priority p);

long feed_find(const feed *f, const char *id);
