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

/* Valid UTF-8 and no control character but (when lines) '\n'. */
static void check_clean(const char *s, bool lines)
{
    if (!s)
        return;
    size_t n = strlen(s);
    if (!text_utf8_valid(s, n))
        abort();
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && !(lines && c == '\n')) || c == 0x7f)
            abort();
    }
}

static void check_item(const feed_item *it)
{
    if (!it->id || !it->title || !it->body || strlen(it->body) > FEED_MAX_TEXT)
        abort();
    if (!*it->title && !*it->body)
        abort(); /* an item with no text is skipped */
    check_clean(it->title, false);
    check_clean(it->body, true);
    check_clean(it->summary, true);
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
