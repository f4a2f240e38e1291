/* fuzz_config: a player.ini through config_parse_report over the
 * defaults, as confcheck_load reads one, then what config.h promises
 * checked: the report's counts agree, each problem names the file, the
 * strings stay terminated within their fields. A broken promise aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FILE_NAME "fuzz.ini"

static void check_report(const config_report *r, bool ok)
{
    if (r->count < 0 || r->count > CONFIG_MAX_PROBLEMS ||
        r->errors + r->warnings != r->count + r->dropped || ok != (r->errors == 0))
        abort();
    for (int i = 0; i < r->count; i++) {
        const config_problem *p = &r->problems[i];
        if (!memchr(p->text, '\0', sizeof p->text) ||
            strncmp(p->text, FILE_NAME, strlen(FILE_NAME)) != 0 || p->line < 0)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static config cfg;
    static config_report r; /* large: not on the stack */
    fuzz_quiet();
    config_defaults(&cfg);
    config_report_init(&r, FILE_NAME);
    bool ok = config_parse_report(&cfg, (const char *)data, size, FILE_NAME, &r);
    check_report(&r, ok);
    if (!memchr(cfg.feed, '\0', sizeof cfg.feed) ||
        !memchr(cfg.time_zone, '\0', sizeof cfg.time_zone) ||
        !memchr(cfg.renderer, '\0', sizeof cfg.renderer))
        abort();
    return 0;
}
