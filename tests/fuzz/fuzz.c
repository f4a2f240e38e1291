/* fuzz: what several harnesses share. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "blocklist.h"
#include "feed.h"
#include "log.h"
#include "text.h"

/* A few terms, Chinese and English, so matches happen on real inputs. */
static const char TERMS[] = "williamhill\n威廉希尔\n博彩 # comment\ncasino\n六合彩\n";

/* One paragraph [p, p + n) of a text (see fuzz_check_text). */
static void check_paragraph(const char *p, size_t n, bool lines)
{
    size_t i = 0;
    unsigned char k = n ? (unsigned char)p[0] : 0;
    if (lines && k >= TEXT_HEADING && k <= TEXT_BREAK)
        i = 1; /* the kind byte */
    bool sep_ok = i && (k == TEXT_ITEM || k == TEXT_ROW), code = i && k == TEXT_CODE;
    for (size_t j = i; j < n; j++) {
        unsigned char c = (unsigned char)p[j];
        if ((c < 0x20 && !(sep_ok && c == TEXT_SEP)) || c == 0x7f)
            abort();
    }
    if (!code && n > i && (p[i] == ' ' || p[n - 1] == ' '))
        abort();
}

void fuzz_check_text(const char *s, bool lines)
{
    if (!s)
        return;
    size_t n = strlen(s);
    if (!text_utf8_valid(s, n))
        abort();
    for (size_t a = 0; a <= n;) {
        const char *nl = lines ? memchr(s + a, '\n', n - a) : NULL;
        size_t b = nl ? (size_t)(nl - s) : n;
        check_paragraph(s + a, b - a, lines);
        a = b + 1;
    }
}

static void check_item(const feed_item *it)
{
    if (!it->id || !it->title || !it->body || strlen(it->body) > FEED_MAX_TEXT)
        abort();
    if (!*it->title && !*it->body)
        abort(); /* an item with no text is skipped */
    fuzz_check_text(it->title, false);
    fuzz_check_text(it->body, true);
    fuzz_check_text(it->summary, true);
    if (it->signage.n_hours < 0 || it->signage.n_hours > FEED_MAX_HOURS ||
        it->signage.duration < 0 || it->signage.duration > FEED_MAX_DURATION ||
        it->signage.priority >= FEED_PRIORITY_COUNT)
        abort();
}

void fuzz_quiet(void)
{
    log_set_level(LOG_ERROR);
}

void fuzz_feed_check(const char *data, size_t size)
{
    static blocklist *bl;
    if (!bl) {
        fuzz_quiet();
        bl = blocklist_load(TERMS, sizeof TERMS - 1, "fuzz terms");
    }
    feed *f = feed_parse(data, size, "fuzz");
    blocklist_apply(bl, f, "fuzz");
    for (size_t i = 0; f && i < f->n_items; i++) {
        check_item(&f->items[i]);
        if (feed_find(f, f->items[i].id) > (long)i)
            abort(); /* the first of two equal ids is the one kept */
    }
    if (f && f->n_items > FEED_MAX_ITEMS)
        abort();
    feed_destroy(f);
}
