/* fuzz_feed: a document through feed_parse and blocklist_apply, as source
 * takes a fetched or local feed, then the promises feed.h and text.h make
 * about what comes out checked (fuzz_feed_check). */
#include <stdint.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_feed_check((const char *)data, size);
    return 0;
}
