/* lunarcal: ICU's libicui18n is opened at the first date asked for, not
 * before (the player does not link it), and a missing library or symbol
 * is one warning and no date, never a crash. */
#define LOG_MODULE "test"
#include "log.h"
#include "lunarcal.h"
#include "test.h"

#include <dlfcn.h>
#include <string.h>

/* Whether the library is mapped now (RTLD_NOLOAD opens nothing). */
static bool mapped(const char *library)
{
    void *lib = dlopen(library, RTLD_NOW | RTLD_NOLOAD);
    if (lib)
        dlclose(lib);
    return lib != NULL;
}

static void test_opened_when_asked(void)
{
    const char *library = lunarcal_library();
    CHECKF(strncmp(library, "libicui18n.so.", 14) == 0, "%s", library);
    CHECKF(!mapped(library), "%s mapped before the first date", library);
    lunarcal_date d;
    /* 2024-02-10 (19763 days): Spring Festival, 正月初一. */
    CHECK(lunarcal_of_day(19763, &d) && d.month == 0 && !d.leap && d.day == 1);
    CHECKF(mapped(library), "%s not mapped after a date", library);
    /* 2023-03-22 (19438): the leap second month's first day. */
    CHECK(lunarcal_of_day(19438, &d) && d.month == 1 && d.leap && d.day == 1);
}

/* A library that is not there, then one without ICU's functions: one
 * warning each however often asked, and no date. */
static void test_missing(void)
{
    static const char *const libraries[] = {"libsignage-no-such-icu.so.1", "libm.so.6"};
    for (size_t i = 0; i < sizeof libraries / sizeof *libraries; i++) {
        lunarcal_use_library(libraries[i]);
        unsigned before = log_problem_count();
        for (int k = 0; k < 3; k++) {
            lunarcal_date d = {.month = 5, .day = 5};
            CHECKF(!lunarcal_of_day(19763, &d) && d.month == -1 && d.day == 0, "%s",
                   libraries[i]);
        }
        CHECKF(log_problem_count() == before + 1, "%s: %u warnings", libraries[i],
               log_problem_count() - before);
    }
    lunarcal_use_library(NULL);
    lunarcal_date d;
    CHECK(lunarcal_of_day(19763, &d) && d.month == 0 && d.day == 1);
}

int main(void)
{
    RUN(test_opened_when_asked);
    RUN(test_missing);
    return test_done("lunarcal");
}
