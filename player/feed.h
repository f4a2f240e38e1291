/* feed: a JSON Feed 1.1 document (with the _signage extension) to an item
 * list. Pure: parses a buffer, no I/O, no clock. Item text is normalised
 * (text.h) so that everything later sees only clean UTF-8. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FEED_MAX_BYTES (8 * 1024 * 1024)
#define FEED_MAX_ITEMS 10000
#define FEED_MAX_TEXT (64 * 1024)   /* bytes of body text per item, after normalising */
#define FEED_MAX_TITLE 1024
#define FEED_MAX_HOURS 8

typedef enum { FEED_PRIORITY_NORMAL, FEED_PRIORITY_HIGH, FEED_PRIORITY_URGENT } feed_priority;

/* A daily window in minutes since local midnight. to <= from crosses midnight
 * and belongs to the day it starts. */
typedef struct {
    int16_t from, to;
} feed_window;

/* The _signage extension. A field that was absent or invalid keeps has_x false. */
typedef struct {
    bool has_start, has_end;
    int64_t start, end; /* Unix seconds (UTC) */
    uint8_t days;       /* bit d (1..7, ISO Monday=1) set: shown that day; 0 = every day */
    int n_hours;
    feed_window hours[FEED_MAX_HOURS];
    int duration;       /* seconds per page, 0 = reading-time rule */
    bool has_priority;
    feed_priority priority;
    bool has_order;
    int order;
    bool has_enabled;
    bool enabled;
} feed_signage;

typedef struct {
    char *id;
    char *title;        /* normalised single line; may be "" */
    char *body;         /* normalised text: paragraphs separated by '\n' */
    char *summary;      /* may be NULL */
    char *image;        /* URL or NULL */
    char *banner_image; /* URL or NULL */
    char *language;     /* NULL: the feed's */
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
} feed;

/* Parses a JSON Feed. Returns NULL (after one log line naming source and the
 * problem) when the document is not JSON or not a JSON Feed. Items that
 * cannot be shown are skipped with one log line each naming source, item id
 * and the problem. A feed with zero usable items is returned (n_items == 0)
 * when the document itself is a valid feed. */
feed *feed_parse(const char *json, size_t len, const char *source);
void feed_destroy(feed *f);

/* Parses an RFC 3339 timestamp ("2024-06-28T09:00:00+08:00"). */
bool feed_parse_time(const char *s, int64_t *out_unix);

/* Index of the item with this id, or -1. */
long feed_find(const feed *f, const char *id);
