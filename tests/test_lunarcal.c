/* lunarcal: ICU's libicui18n is opened at the first date asked for, not
 * before (the player does not link it), and a missing library or symbol
 * is one warning and no date, never a crash. */
#define LOG_MODULE "test"
#include "log.h"
#include "lunarcal.h"
#include "test.h"

#include <dlfcn.h>
#include <pthread.h>
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

static void *dates(void *arg)
{
    int *wrong = arg;
    for (int i = 0; i < 40; i++) {
        lunarcal_date d;
        int month = i < 29 ? 0 : 1, day = i < 29 ? 1 + i : i - 28;
        if (!lunarcal_of_day(19763 + i, &d) || d.month != month || d.leap || d.day != day)
            ++*wrong;
    }
    return NULL;
}

/* The first dates asked for by several threads at once: every answer
 * right (and no race under TSan). From 2024-02-10: 正月 has 29 days,
 * 2024-03-10 is 二月初一. */
static void test_threads(void)
{
    lunarcal_use_library(NULL); /* opened again at the next call */
    pthread_t t[4];
    int wrong[4] = {0};
    for (int i = 0; i < 4; i++)
        CHECK(pthread_create(&t[i], NULL, dates, &wrong[i]) == 0);
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        CHECKF(wrong[i] == 0, "thread %d: %d wrong dates", i, wrong[i]);
    }
}

int main(void)
{
    RUN(test_opened_when_asked);
    RUN(test_missing);
    RUN(test_threads);
    return test_done("lunarcal");
}
