#define LOG_MODULE "lunarcal"
#include "lunarcal.h"

#include <dlfcn.h>
#include <pthread.h>
#include <string.h>

#include <unicode/ucal.h>
#include <unicode/uvernum.h>

#include "log.h"

/* ICU's headers name the library's version and rename each function to
 * carry it (urename.h: ucal_open is ucal_open_72), so the names looked up
 * follow the headers, written nowhere by hand. */
#define LUNARCAL_STR_(x) #x
#define LUNARCAL_STR(x) LUNARCAL_STR_(x)
#define ICU_I18N "libicui18n.so." U_ICU_VERSION_SHORT

typedef UCalendar *(*open_fn)(const UChar *, int32_t, const char *, UCalendarType,
                              UErrorCode *);
typedef void (*set_millis_fn)(UCalendar *, UDate, UErrorCode *);
typedef int32_t (*get_fn)(const UCalendar *, UCalendarDateFields, UErrorCode *);
typedef void (*close_fn)(UCalendar *);
/* The types against ICU's prototypes (unevaluated: no reference to link). */
_Static_assert(_Generic(&ucal_open, open_fn : 1, default : 0), "ucal_open's type");
_Static_assert(_Generic(&ucal_setMillis, set_millis_fn : 1, default : 0),
               "ucal_setMillis");
_Static_assert(_Generic(&ucal_get, get_fn : 1, default : 0), "ucal_get's type");
_Static_assert(_Generic(&ucal_close, close_fn : 1, default : 0), "ucal_close's type");

static struct {
    pthread_mutex_t lock;
    const char *library; /* NULL: ICU_I18N */
    bool tried;          /* opened, or failed and logged */
    open_fn open;        /* NULL when the library or a symbol is missing */
    set_millis_fn set_millis;
    get_fn get;
    close_fn close;
} cal = {.lock = PTHREAD_MUTEX_INITIALIZER};

const char *lunarcal_library(void)
{
    return ICU_I18N;
}

/* dlsym into a function pointer of `size` bytes (a copy: ISO C has no cast
 * from an object pointer to a function pointer). */
static bool find(void *lib, const char *library, const char *name, void *fn, size_t size)
{
    void *p = dlsym(lib, name);
    if (!p) {
        LOG_WARN("no lunar date (ICU's Chinese calendar): %s has no %s", library, name);
        return false;
    }
    memcpy(fn, &p, size);
    return true;
}

/* Opens the library and finds the four functions, once; with cal.lock. */
static bool ready(void)
{
    if (cal.tried)
        return cal.open != NULL;
    cal.tried = true;
    const char *library = cal.library ? cal.library : ICU_I18N;
    void *lib = dlopen(library, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *why = dlerror();
        LOG_WARN("no lunar date (ICU's Chinese calendar): %s", why ? why : library);
        return false;
    }
    open_fn opener = NULL;
    bool ok = find(lib, library, LUNARCAL_STR(ucal_open), &opener, sizeof opener) &&
              find(lib, library, LUNARCAL_STR(ucal_setMillis), &cal.set_millis,
                   sizeof cal.set_millis) &&
              find(lib, library, LUNARCAL_STR(ucal_get), &cal.get, sizeof cal.get) &&
              find(lib, library, LUNARCAL_STR(ucal_close), &cal.close, sizeof cal.close);
    if (!ok) {
        dlclose(lib); /* nothing in it was called */
        return false;
    }
    cal.open = opener;
    LOG_DBG("the Chinese calendar from %s", library);
    return true;
}

/* The fields of ICU's Chinese calendar at `days`' noon UTC; with cal.lock. */
static bool chinese_date(int64_t days, lunarcal_date *out)
{
    static const UChar utc[] = {'U', 'T', 'C', 0};
    UErrorCode err = U_ZERO_ERROR;
    UCalendar *c = cal.open(utc, -1, "zh@calendar=chinese", UCAL_DEFAULT, &err);
    if (U_SUCCESS(err))
        cal.set_millis(c, ((double)days * 86400.0 + 43200.0) * 1000.0, &err);
    if (U_SUCCESS(err)) {
        out->month = cal.get(c, UCAL_MONTH, &err);
        out->leap = cal.get(c, UCAL_IS_LEAP_MONTH, &err) != 0;
        out->day = cal.get(c, UCAL_DATE, &err);
    }
    if (c)
        cal.close(c);
    if (U_FAILURE(err))
        LOG_WARN("no lunar date: ICU's Chinese calendar: %s", u_errorName(err));
    return U_SUCCESS(err) && out->month >= 0 && out->month < 12 && out->day >= 1 &&
           out->day <= 30;
}

bool lunarcal_of_day(int64_t days, lunarcal_date *out)
{
    *out = (lunarcal_date){.month = -1};
    pthread_mutex_lock(&cal.lock);
    bool ok = ready() && chinese_date(days, out);
    pthread_mutex_unlock(&cal.lock);
    return ok;
}

void lunarcal_use_library(const char *soname)
{
    pthread_mutex_lock(&cal.lock);
    cal.library = soname;
    cal.tried = false;
    cal.open = NULL;
    pthread_mutex_unlock(&cal.lock);
}
