#define LOG_MODULE "config"
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "feed.h"
#include "log.h"
#include "minisign.h"
#include "template.h"
#include "transition.h"
#include "util.h"

#define FIELD(f) offsetof(config, f), sizeof(((config *)0)->f)
#define STR(s, k, t, f, def)                                                             \
    {                                                                                    \
        s, k, t, FIELD(f), 0, 0, NULL, def                                               \
    }
#define NUM(s, k, t, f, lo, hi, unit, def)                                               \
    {                                                                                    \
        s, k, t, FIELD(f), lo, hi, unit, def                                             \
    }
#define DAY(k, i)                                                                        \
    {                                                                                    \
        "hours", k, CONFIG_WINDOW,                                                       \
            offsetof(config, hours) + (i) * sizeof(config_window),                       \
            sizeof(config_window), 0, 0, NULL, NULL                                      \
    }
#define SECONDS "seconds"
#define HEIGHTS "fraction of the screen height"

static const config_key keys[] = {
    STR("player", "feed", CONFIG_FEED, feed, "demo-feed.json"),
    STR("player", "centre_name", CONFIG_STR, centre_name, "社区服务中心"),
    NUM("player", "lunar_date", CONFIG_BOOL, lunar_date, 0, 1, NULL, "false"),
    STR("player", "language", CONFIG_LANG, language, "zh"),
    STR("player", "time_zone", CONFIG_ZONE, time_zone, ""),
    STR("player", "log_level", CONFIG_LEVEL, log_level, "info"),
    STR("player", "logo", CONFIG_LOGO, logo, ""),
    STR("player", "blocklist", CONFIG_FILE, blocklist, ""),
    STR("player", "feed_public_key", CONFIG_KEY, feed_public_key, ""),
    STR("player", "feed_signature", CONFIG_FEED, feed_signature, ""),
    STR("player", "cache_dir", CONFIG_DIR, cache_dir, ""),
    STR("player", "status_file", CONFIG_OUT, status_file, ""),
    NUM("display", "fullscreen", CONFIG_BOOL, fullscreen, 0, 1, NULL, "true"),
    NUM("display", "width", CONFIG_INT, width, 160, 16384, "pixels", "1280"),
    NUM("display", "height", CONFIG_INT, height, 120, 16384, "pixels", "720"),
    STR("display", "renderer", CONFIG_RENDERER, renderer, "auto"),
    STR("display", "transition", CONFIG_TRANSITION, transition, "fade"),
    NUM("display", "transition_ms", CONFIG_INT, transition_ms, 0, 5000, "milliseconds",
        "600"),
    NUM("display", "ticker_speed", CONFIG_INT, ticker_speed, 10, 2000,
        "pixels per second", "120"),
    NUM("display", "viewing_distance", CONFIG_DBL, viewing_distance, 0.5, 50, "metres",
        "4"),
    NUM("display", "screen_diagonal", CONFIG_DBL, screen_diagonal, 0, 500, "inches", "0"),
    STR("display", "rotation", CONFIG_ROTATION, rotation, "0"),
    STR("text", "font_regular", CONFIG_FILE, font_regular, ""),
    STR("text", "font_bold", CONFIG_FILE, font_bold, ""),
    /* 0: from viewing_distance (sizes.h); a fraction wins */
    NUM("text", "body_size", CONFIG_DBL, body_size, 0.0, 0.2, HEIGHTS, "0"),
    NUM("text", "title_size", CONFIG_DBL, title_size, 0.0, 0.3, HEIGHTS, "0"),
    NUM("text", "line_spacing", CONFIG_DBL, line_spacing, 1.0, 3.0, "times the font size",
        "1.55"),
    NUM("text", "paragraph_spacing", CONFIG_DBL, paragraph_spacing, 0.0, 3.0, "lines",
        "0.45"),
    NUM("text", "indent", CONFIG_BOOL, indent, 0, 1, NULL, "true"),
    NUM("text", "justify", CONFIG_BOOL, justify, 0, 1, NULL, "true"),
    NUM("text", "enlarge_short", CONFIG_BOOL, enlarge_short, 0, 1, NULL, "true"),
    STR("text", "image_fit", CONFIG_FIT, image_fit, "auto"),
    NUM("text", "margin", CONFIG_DBL, margin, 0.0, 0.25, HEIGHTS, "0.06"),
    NUM("text", "qr", CONFIG_BOOL, qr, 0, 1, NULL, "true"),
    STR("text", "qr_caption", CONFIG_STR, qr_caption, "扫码阅读全文"),
    NUM("timing", "reading_speed", CONFIG_INT, reading_speed, 30, 3000,
        "characters per minute", "300"),
    NUM("timing", "page_min", CONFIG_INT, page_min, 1, 3600, SECONDS, "8"),
    NUM("timing", "page_max", CONFIG_INT, page_max, 1, 3600, SECONDS, "45"),
    NUM("timing", "duration_cap", CONFIG_INT, duration_cap, 1, 86400, SECONDS, "300"),
    NUM("timing", "max_pages", CONFIG_INT, max_pages, 0, 1000, "pages", "3"),
    NUM("timing", "max_item_seconds", CONFIG_INT, max_item_seconds, 0, 86400, SECONDS,
        "90"),
    NUM("fetch", "poll_interval", CONFIG_INT, poll_interval, 5, 86400, SECONDS, "60"),
    NUM("fetch", "backoff_max", CONFIG_INT, backoff_max, 5, 86400, SECONDS, "900"),
    NUM("fetch", "connect_timeout", CONFIG_INT, connect_timeout, 1, 600, SECONDS, "10"),
    NUM("fetch", "total_timeout", CONFIG_INT, total_timeout, 1, 3600, SECONDS, "30"),
    NUM("fetch", "max_feed_bytes", CONFIG_INT, max_feed_bytes, 1024, FEED_MAX_BYTES,
        "bytes", "8388608"),
    NUM("fetch", "max_image_bytes", CONFIG_INT, max_image_bytes, 1024, 64 * 1024 * 1024,
        "bytes", "10485760"),
    NUM("fetch", "max_image_pixels", CONFIG_INT, max_image_pixels, 1024,
        100 * 1000 * 1000, "pixels, width times height", "16000000"),
    STR("fetch", "ca_file", CONFIG_FILE, ca_file, ""),
    NUM("schedule", "max_age_days", CONFIG_INT, max_age_days, 0, 36500, "days", "0"),
    NUM("schedule", "high_ratio", CONFIG_INT, high_ratio, 1, 10, "times per round", "2"),
    NUM("schedule", "urgent_alternate", CONFIG_BOOL, urgent_alternate, 0, 1, NULL,
        "false"),
    STR("schedule", "display_on_cmd", CONFIG_STR, display_on_cmd, ""),
    STR("schedule", "display_off_cmd", CONFIG_STR, display_off_cmd, ""),
    DAY("mon", 0),
    DAY("tue", 1),
    DAY("wed", 2),
    DAY("thu", 3),
    DAY("fri", 4),
    DAY("sat", 5),
    DAY("sun", 6),
    STR("theme", "file", CONFIG_FILE, theme_file, ""),
    STR("theme", "background", CONFIG_COLOR, background, "#102a3c"),
    STR("theme", "foreground", CONFIG_COLOR, foreground, "#f5f1e8"),
    STR("theme", "accent", CONFIG_COLOR, accent, "#f0b448"),
    STR("theme", "muted", CONFIG_COLOR, muted, "#9db4c0"),
    STR("theme", "urgent_background", CONFIG_COLOR, urgent_background, "#7d1d1d"),
    STR("theme", "urgent_foreground", CONFIG_COLOR, urgent_foreground, "#f5f1e8"),
    STR("theme", "urgent_accent", CONFIG_COLOR, urgent_accent, "#ffe38a"),
    STR("theme", "urgent_muted", CONFIG_COLOR, urgent_muted, "#f6d6d0"),
    STR("fleet", "screen_id", CONFIG_STR, screen_id, ""),
    STR("fleet", "mqtt_url", CONFIG_MQTT, mqtt_url, ""),
    STR("fleet", "mqtt_topic", CONFIG_TOPIC, mqtt_topic, "signage/feed"),
    STR("fleet", "report_url", CONFIG_STR, report_url, ""),
    NUM("fleet", "report_interval", CONFIG_INT, report_interval, 5, 86400, SECONDS,
        "300"),
    STR("fleet", "report_token_file", CONFIG_FILE, report_token_file, ""),
    NUM("fleet", "report_allow_http", CONFIG_BOOL, report_allow_http, 0, 1, NULL,
        "false"),
    NUM("fleet", "screenshot_width", CONFIG_INT, screenshot_width, 64, 3840, "pixels",
        "640"),
    STR("fleet", "metrics_file", CONFIG_OUT, metrics_file, ""),
    NUM("fleet", "report_queue_max", CONFIG_INT, report_queue_max, 10, 1000000, "records",
        "10000"),
};
#define NKEYS (sizeof keys / sizeof keys[0])
_Static_assert(NKEYS <= CONFIG_MAX_KEYS, "raise CONFIG_MAX_KEYS");

const config_key *config_keys(size_t *count)
{
    *count = NKEYS;
    return keys;
}

static void copy_str(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

int config_distance(const char *a, const char *b)
{
    enum { CAP = 99, W = 64 };
    size_t na = strlen(a), nb = strlen(b);
    if (na >= W || nb >= W)
        return CAP;
    int prev[W], cur[W];
    for (size_t j = 0; j <= nb; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= na; i++) {
        cur[0] = (int)i;
        for (size_t j = 1; j <= nb; j++) {
            int same =
                tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]);
            int best = prev[j - 1] + !same;
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            cur[j] = best;
        }
        memcpy(prev, cur, sizeof prev);
    }
    return prev[nb] < CAP ? prev[nb] : CAP;
}

void config_key_describe(const config_key *k, char *out, size_t size)
{
    static const char *const fixed[] = {
        [CONFIG_BOOL] = "true or false (also yes/no, on/off, 1/0)",
        [CONFIG_COLOR] = "a colour like #1a2b3c",
        [CONFIG_WINDOW] = "HH:MM-HH:MM (00:00 to 24:00, two different times), all or off",
        [CONFIG_LEVEL] = "error, warn, info or debug",
        [CONFIG_RENDERER] = "auto, accelerated or software",
        [CONFIG_TRANSITION] = "fade, slide or none",
        [CONFIG_FIT] = "auto, contain or cover",
        [CONFIG_LANG] = "a BCP 47 language tag such as zh or zh-Hans-CN",
        [CONFIG_FEED] = "a path, or a file://, http:// or https:// URL",
        [CONFIG_ZONE] = "an IANA zone name such as Asia/Shanghai, or UTC",
        [CONFIG_KEY] = "a minisign public key line (RW...) or the path of its .pub file",
        [CONFIG_MQTT] = "mqtt://host[:port] or mqtts://host[:port], or empty (no push)",
        [CONFIG_TOPIC] = "an MQTT topic such as signage/feed (+, # as whole levels)",
        [CONFIG_ROTATION] = "0, 90, 180 or 270 (degrees clockwise)",
    };
    if (k->type == CONFIG_INT || k->type == CONFIG_DBL)
        snprintf(out, size, "%s from %.*f to %.*f%s%s%s",
                 k->type == CONFIG_INT ? "a whole number" : "a number",
                 k->type == CONFIG_INT ? 0 : 3, k->min, k->type == CONFIG_INT ? 0 : 3,
                 k->max, k->unit ? " (" : "", k->unit ? k->unit : "", k->unit ? ")" : "");
    else if (k->type < sizeof fixed / sizeof fixed[0] && fixed[k->type])
        snprintf(out, size, "%s", fixed[k->type]);
    else
        snprintf(out, size, "text of at most %zu bytes", k->size - 1);
}

void config_report_init(config_report *r, const char *file)
{
    memset(r, 0, sizeof *r);
    copy_str(r->file, sizeof r->file, file);
}

void config_report_add(config_report *r, bool warning, int line, const char *fmt, ...)
{
    *(warning ? &r->warnings : &r->errors) += 1;
    if (r->count == CONFIG_MAX_PROBLEMS) {
        r->dropped++;
        return;
    }
    config_problem *p = &r->problems[r->count++];
    p->warning = warning;
    p->line = line;
    char msg[600], text[sizeof p->text];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int at = line > 0 ? snprintf(text, sizeof text, "%s:%d: ", r->file, line)
                      : snprintf(text, sizeof text, "%s: ", r->file);
    p->at = at > 0 && (size_t)at < sizeof text ? at : 0;
    snprintf(text + p->at, sizeof text - (size_t)p->at, "%s", msg);
    memcpy(p->text, text, sizeof text);
}

static int key_index(const char *section, const char *name)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].name, name) == 0)
            return (int)i;
    return -1;
}

int config_report_line(const config_report *r, const char *section, const char *name)
{
    int i = key_index(section, name);
    return i < 0 ? 0 : r->key_line[i];
}

static bool parse_int(const char *v, long *out)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || end == v || *end)
        return false;
    *out = x;
    return true;
}

static bool parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    for (int i = 0; i < 4; i++) {
        if (strcmp(v, yes[i]) == 0 || strcmp(v, no[i]) == 0) {
            *out = strcmp(v, yes[i]) == 0;
            return true;
        }
    }
    return false;
}

static bool parse_color(const char *v, config_color *out)
{
    if (v[0] != '#' || strlen(v) != 7)
        return false;
    for (int i = 1; i < 7; i++)
        if (!isxdigit((unsigned char)v[i]))
            return false;
    unsigned long x = strtoul(v + 1, NULL, 16);
    *out = (config_color){(uint8_t)(x >> 16), (uint8_t)(x >> 8), (uint8_t)x};
    return true;
}

/* "07:30-21:00" (feed_parse_window: the feed's rule), "off", or "all". */
static bool parse_window(const char *v, config_window *out)
{
    feed_window w;
    if (strcmp(v, "off") == 0)
        *out = (config_window){0, 0};
    else if (strcmp(v, "all") == 0)
        *out = (config_window){0, 24 * 60};
    else if (feed_parse_window(v, &w))
        *out = (config_window){w.from, w.to};
    else
        return false;
    return true;
}

typedef enum { SET_OK, SET_BAD, SET_RANGE, SET_LONG } set_result;

static bool feed_scheme_ok(const char *v)
{
    return !strstr(v, "://") || strncmp(v, "file://", 7) == 0 ||
           strncmp(v, "http://", 7) == 0 || strncmp(v, "https://", 8) == 0;
}

/* A topic filter as MQTT allows it: 1 to 65535 bytes, no NUL (the line
 * has none), '+' alone in its level, '#' alone in the last one. */
static bool topic_ok(const char *v)
{
    size_t n = strlen(v);
    if (n == 0 || n > 65535)
        return false;
    for (size_t i = 0; i < n; i++) {
        bool starts = i == 0 || v[i - 1] == '/';
        bool ends = i + 1 == n || v[i + 1] == '/';
        if (v[i] == '+' && !(starts && ends))
            return false;
        if (v[i] == '#' && !(starts && i + 1 == n))
            return false;
    }
    return true;
}

/* The host of a URL: [IPv6] or a name/IPv4 of letters, digits, '-', '.',
 * '_'. Sets *end past it; false when empty or another character. */
static bool mqtt_host(const char *v, const char **end, config_mqtt *out)
{
    const char *h = v, *e;
    if (*v == '[') {
        h = v + 1;
        e = strchr(h, ']');
        if (!e || e == h || strspn(h, "0123456789abcdefABCDEF:.") != (size_t)(e - h))
            return false;
        *end = e + 1;
    } else {
        e = v +
            strspn(v,
                   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._");
        if (e == v)
            return false;
        *end = e;
    }
    if ((size_t)(e - h) >= sizeof out->host)
        return false;
    memcpy(out->host, h, (size_t)(e - h));
    out->host[e - h] = '\0';
    return true;
}

bool config_mqtt_parse(const char *url, config_mqtt *out)
{
    config_mqtt m = {0};
    const char *p;
    if (strncmp(url, "mqtt://", 7) == 0)
        p = url + 7;
    else if (strncmp(url, "mqtts://", 8) == 0) {
        p = url + 8;
        m.tls = true;
    } else
        return false;
    if (!mqtt_host(p, &p, &m))
        return false;
    m.port = m.tls ? 8883 : 1883;
    if (*p == ':') {
        long n;
        char *end;
        errno = 0;
        n = strtol(p + 1, &end, 10);
        if (errno || end == p + 1 || !isdigit((unsigned char)p[1]) || n < 1 || n > 65535)
            return false;
        m.port = (int)n;
        p = end;
    }
    if (strcmp(p, "/") != 0 && *p)
        return false;
    if (out)
        *out = m;
    return true;
}

static set_result set_number(config *cfg, const config_key *k, const char *v)
{
    char *field = (char *)cfg + k->offset;
    long n;
    double d;
    char *end;
    if (k->type == CONFIG_INT) {
        if (!parse_int(v, &n))
            return SET_BAD;
        if (n < k->min || n > k->max)
            return SET_RANGE;
        *(int *)field = (int)n;
        return SET_OK;
    }
    errno = 0;
    d = strtod(v, &end);
    if (errno || end == v || *end)
        return SET_BAD;
    if (!(d >= k->min && d <= k->max))
        return SET_RANGE;
    *(double *)field = d;
    return SET_OK;
}

static set_result set_value(config *cfg, const config_key *k, const char *v)
{
    char *field = (char *)cfg + k->offset;
    enum log_level lv;
    long n;
    bool ok = true;
    switch (k->type) {
    case CONFIG_INT:
    case CONFIG_DBL:
        return set_number(cfg, k, v);
    case CONFIG_BOOL:
        return parse_bool(v, (bool *)field) ? SET_OK : SET_BAD;
    case CONFIG_COLOR:
        return parse_color(v, (config_color *)field) ? SET_OK : SET_BAD;
    case CONFIG_ROTATION:
        if (!parse_int(v, &n) || n < 0 || n > 270 || n % 90 != 0)
            return SET_BAD;
        *(int *)field = (int)n;
        return SET_OK;
    case CONFIG_WINDOW:
        if (!parse_window(v, (config_window *)field))
            return SET_BAD;
        cfg->hours_set = true;
        return SET_OK;
    case CONFIG_LANG:
        ok = feed_language_valid(v);
        break;
    case CONFIG_FEED:
        ok = feed_scheme_ok(v);
        break;
    case CONFIG_MQTT:
        ok = !*v || config_mqtt_parse(v, NULL);
        break;
    case CONFIG_TOPIC:
        ok = topic_ok(v);
        break;
    case CONFIG_LEVEL:
        ok = log_level_from_name(v, &lv);
        break;
    case CONFIG_RENDERER:
        ok = strcmp(v, "auto") == 0 || strcmp(v, "accelerated") == 0 ||
             strcmp(v, "software") == 0;
        break;
    case CONFIG_TRANSITION:
        ok = transition_kind_from_name(v, NULL);
        break;
    case CONFIG_FIT:
        ok = template_fit_parse(v, NULL);
        break;
    default:
        break;
    }
    if (!ok)
        return SET_BAD;
    if (strlen(v) >= k->size)
        return SET_LONG;
    copy_str(field, k->size, v);
    return SET_OK;
}

void config_defaults(config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    for (size_t i = 0; i < NKEYS; i++)
        if (keys[i].def)
            set_value(cfg, &keys[i], keys[i].def);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* The value as read, cut to 60 bytes (at a character boundary) for a message. */
static void shown_value(const char *v, char *out, size_t size)
{
    size_t n = strlen(v), max = size < 64 ? size - 1 : 60;
    if (n <= max) {
        copy_str(out, size, v);
        return;
    }
    while (max > 0 && ((unsigned char)v[max] & 0xC0) == 0x80)
        max--;
    snprintf(out, size, "%.*s...", (int)max, v);
}

/* The parser's position: the file's section, and whether it is known. */
typedef struct {
    config *cfg;
    config_report *r;
    char section[64];
    bool section_known;
    bool theme_only; /* a theme file: [theme] keys only, and no file key */
    int line;
} parse_state;

static bool section_known(const char *s)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(keys[i].section, s) == 0)
            return true;
    return false;
}

/* The nearest known section to s, or NULL when none is close. */
static const char *nearest_section(const char *s)
{
    const char *best = NULL;
    int best_d = 3;
    for (size_t i = 0; i < NKEYS; i++) {
        int d = config_distance(s, keys[i].section);
        if (d < best_d) {
            best_d = d;
            best = keys[i].section;
        }
    }
    return best;
}

static void parse_section(parse_state *st, char *s)
{
    char *close = strchr(s, ']');
    if (!close || *trim(close + 1) != '\0') {
        config_report_add(st->r, false, st->line,
                          "malformed section header: expected [name]");
        return;
    }
    *close = '\0';
    s = trim(s + 1);
    copy_str(st->section, sizeof st->section, s);
    st->section_known = section_known(s);
    if (st->theme_only && st->section_known && strcmp(s, "theme") != 0) {
        st->section_known = false;
        config_report_add(st->r, false, st->line,
                          "[%s] in a theme file: it holds only [theme] keys (these are "
                          "skipped)",
                          s);
        return;
    }
    if (st->section_known)
        return;
    const char *near = nearest_section(s);
    if (near)
        config_report_add(st->r, false, st->line,
                          "unknown section [%s]; did you mean [%s]? (its keys are "
                          "skipped)",
                          s, near);
    else
        config_report_add(st->r, false, st->line,
                          "unknown section [%s] (its keys are skipped)", s);
}

/* The hint for an unknown key: the section it belongs in (the exact name is
 * known elsewhere), else the nearest name ("Feed" or "feed_ulr": "feed"). */
static void key_hint(const char *section, const char *key, char *out, size_t size)
{
    const config_key *best = NULL;
    int best_d = 99, limit = (int)strlen(key) / 2;
    out[0] = '\0';
    for (size_t i = 0; i < NKEYS; i++) {
        if (strcmp(keys[i].name, key) == 0) {
            snprintf(out, size, ": it belongs in [%s]", keys[i].section);
            return;
        }
        int d = config_distance(key, keys[i].name);
        /* the same section wins a tie */
        if (d < best_d || (d == best_d && strcmp(keys[i].section, section) == 0)) {
            best_d = d;
            best = &keys[i];
        }
    }
    if (!best || best_d > (limit > 2 ? limit : 2))
        return;
    if (strcmp(best->section, section) == 0)
        snprintf(out, size, "; did you mean '%s'?", best->name);
    else
        snprintf(out, size, "; did you mean '%s' in [%s]?", best->name, best->section);
}

static void report_bad_value(parse_state *st, const config_key *k, const char *v,
                             set_result why)
{
    char valid[200], shown[80];
    config_key_describe(k, valid, sizeof valid);
    shown_value(v, shown, sizeof shown);
    if (why == SET_LONG)
        config_report_add(st->r, false, st->line,
                          "%s.%s: value too long (%zu bytes, at most %zu)", k->section,
                          k->name, strlen(v), k->size - 1);
    else
        config_report_add(st->r, false, st->line, "%s.%s: read '%s'%s: expected %s",
                          k->section, k->name, shown,
                          why == SET_RANGE ? ", out of range" : "", valid);
}

/* [display] software = true|false, before renderer: still read, with a
 * warning, so that an old config keeps its choice. */
static bool old_software_key(parse_state *st, const char *key, const char *value)
{
    bool soft;
    char shown[80];
    if (strcmp(st->section, "display") != 0 || strcmp(key, "software") != 0)
        return false;
    if (!parse_bool(value, &soft)) {
        shown_value(value, shown, sizeof shown);
        config_report_add(st->r, false, st->line,
                          "display.software: read '%s': expected true or false", shown);
        return true;
    }
    copy_str(st->cfg->renderer, sizeof st->cfg->renderer, soft ? "software" : "auto");
    config_report_add(st->r, true, st->line,
                      "display.software is deprecated: write renderer = %s",
                      st->cfg->renderer);
    return true;
}

static void parse_key(parse_state *st, char *key, char *value)
{
    char hint[200];
    if (st->section[0] == '\0') {
        key_hint("", key, hint, sizeof hint);
        config_report_add(st->r, false, st->line, "key '%s' outside of any section%s",
                          key, hint);
        return;
    }
    if (!st->section_known)
        return; /* reported once at the section */
    int i = key_index(st->section, key);
    if (i < 0 && old_software_key(st, key, value))
        return;
    if (i < 0) {
        key_hint(st->section, key, hint, sizeof hint);
        config_report_add(st->r, false, st->line, "unknown key '%s' in [%s]%s", key,
                          st->section, hint);
        return;
    }
    const config_key *k = &keys[i];
    if (st->theme_only && k->offset == offsetof(config, theme_file)) {
        config_report_add(st->r, false, st->line,
                          "theme.file in a theme file: a theme cannot name another");
        return;
    }
    if (st->r->key_line[i])
        config_report_add(st->r, true, st->line,
                          "%s.%s is set again (first on line %d); this one counts",
                          k->section, k->name, st->r->key_line[i]);
    st->r->key_line[i] = st->line;
    set_result why = set_value(st->cfg, k, value);
    if (why != SET_OK)
        report_bad_value(st, k, value, why);
}

static void parse_line(parse_state *st, char *line)
{
    char *s = trim(line);
    if (*s == '\0' || *s == '#' || *s == ';')
        return;
    if (*s == '[') {
        parse_section(st, s);
        return;
    }
    char *eq = strchr(s, '=');
    if (!eq) {
        config_report_add(st->r, false, st->line, "expected key = value");
        return;
    }
    *eq = '\0';
    char *key = trim(s), *value = trim(eq + 1);
    size_t vn = strlen(value);
    if (vn >= 2 && value[0] == '"' && value[vn - 1] == '"') {
        value[vn - 1] = '\0';
        value++;
    }
    parse_key(st, key, value);
}

/* Reports carry a token and where the screen is: https only, unless
 * report_allow_http says the network is a local one. */
static void check_report_url(const config *cfg, config_report *r)
{
    const char *u = cfg->report_url;
    int line = config_report_line(r, "fleet", "report_url");
    if (!u[0] || strncasecmp(u, "https://", 8) == 0)
        return;
    if (strncasecmp(u, "http://", 7) != 0)
        config_report_add(r, false, line,
                          "fleet.report_url '%s': expected an https:// URL", u);
    else if (!cfg->report_allow_http)
        config_report_add(r, false, line,
                          "fleet.report_url '%s' is plain http: use https, or set "
                          "fleet.report_allow_http = true on a local network",
                          u);
}

static void check_whole(const config *cfg, config_report *r)
{
    check_report_url(cfg, r);
    if (cfg->page_min > cfg->page_max) {
        int a = config_report_line(r, "timing", "page_min");
        int b = config_report_line(r, "timing", "page_max");
        config_report_add(r, false, a > b ? a : b,
                          "timing.page_min (%d) is larger than timing.page_max (%d)",
                          cfg->page_min, cfg->page_max);
    }
    if (cfg->feed[0] == '\0')
        config_report_add(r, false, config_report_line(r, "player", "feed"),
                          "player.feed is empty: expected a path or URL");
}

static void parse_lines(parse_state *st, const char *text, size_t len)
{
    char line[CONFIG_MAX_LINE + 1];
    config_report *r = st->r;
    size_t pos = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (pos < len) {
        st->line++;
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        memcpy(line, text + pos, n > CONFIG_MAX_LINE ? 0 : n);
        line[n > CONFIG_MAX_LINE ? 0 : n] = '\0';
        pos += n + 1;
        if (n > CONFIG_MAX_LINE)
            config_report_add(r, false, st->line,
                              "line of %zu bytes, longer than %d: nothing on it was read",
                              n, CONFIG_MAX_LINE);
        else if (strlen(line) != n)
            config_report_add(r, false, st->line, "NUL byte in line");
        else
            parse_line(st, line);
    }
}

bool config_parse_report(config *cfg, const char *text, size_t len, const char *filename,
                         config_report *r)
{
    parse_state st = {.cfg = cfg, .r = r};
    copy_str(r->file, sizeof r->file, filename);
    parse_lines(&st, text, len);
    check_whole(cfg, r);
    return r->errors == 0;
}

bool config_parse(config *cfg, const char *text, size_t len, const char *filename,
                  char *err, size_t err_size)
{
    config_report *r = xmalloc(sizeof *r);
    config_report_init(r, filename);
    bool ok = config_parse_report(cfg, text, len, filename, r);
    size_t used = 0;
    err[0] = '\0';
    for (int i = 0; i < r->count && used + 1 < err_size; i++) {
        if (r->problems[i].warning)
            continue;
        int n = snprintf(err + used, err_size - used, "%s%s", used ? "\n" : "",
                         r->problems[i].text);
        used += n > 0 ? (size_t)n : 0;
    }
    free(r);
    return ok;
}

/* A relative path is relative to the config file's folder, never to the
 * working directory. */
static void resolve_relative(config_report *r, int line, char *value, size_t size)
{
    const char *config_path = r->file;
    if (value[0] == '\0' || value[0] == '/' || strstr(value, "://"))
        return;
    const char *slash = strrchr(config_path, '/');
    if (!slash)
        return;
    char joined[4096];
    int n = snprintf(joined, sizeof joined, "%.*s/%s", (int)(slash - config_path),
                     config_path, value);
    if (n > 0 && (size_t)n < size)
        copy_str(value, size, joined);
    else
        config_report_add(r, false, line, "the path %s/%s is longer than %zu bytes",
                          config_path, value, size - 1);
}

/* Adds the problems of another file (their text names it) to r, at line. */
static void report_merge(config_report *r, const config_report *from, int line)
{
    r->errors += from->errors;
    r->warnings += from->warnings;
    r->dropped += from->dropped;
    for (int i = 0; i < from->count; i++) {
        if (r->count == CONFIG_MAX_PROBLEMS) {
            r->dropped++;
            continue;
        }
        r->problems[r->count] = from->problems[i];
        r->problems[r->count++].line = line;
    }
}

/* [theme] file: its [theme] keys under the config's own. */
static void load_theme(config *cfg, config_report *r)
{
    size_t n;
    char *buf = read_file_capped(cfg->theme_file, CONFIG_MAX_FILE, &n);
    if (!buf)
        return; /* confcheck says why */
    config *theme = xmalloc(sizeof *theme);
    *theme = *cfg;
    config_report *tr = xmalloc(sizeof *tr);
    config_report_init(tr, cfg->theme_file);
    parse_state st = {.cfg = theme, .r = tr, .theme_only = true};
    parse_lines(&st, buf, n);
    free(buf);
    for (size_t i = 0; i < NKEYS; i++)
        if (tr->key_line[i] && !r->key_line[i])
            memcpy((char *)cfg + keys[i].offset, (char *)theme + keys[i].offset,
                   keys[i].size);
    report_merge(r, tr, config_report_line(r, "theme", "file"));
    free(tr);
    free(theme);
}

bool config_load(config *cfg, const char *path, config_report *r)
{
    size_t n;
    copy_str(r->file, sizeof r->file, path);
    char *buf = read_file_capped(path, CONFIG_MAX_FILE, &n);
    if (!buf) {
        r->unread = true;
        if (errno == EFBIG)
            config_report_add(r, false, 0, "larger than %d bytes", CONFIG_MAX_FILE);
        else
            config_report_add(r, false, 0, "%s", read_file_error(errno));
        return false;
    }
    config_parse_report(cfg, buf, n, path, r);
    free(buf);
    for (size_t i = 0; i < NKEYS; i++) {
        config_type t = keys[i].type;
        if (t == CONFIG_FILE || t == CONFIG_DIR || t == CONFIG_OUT || t == CONFIG_LOGO ||
            t == CONFIG_FEED ||
            (t == CONFIG_KEY && !minisign_is_key_line((char *)cfg + keys[i].offset)))
            resolve_relative(r, r->key_line[i], (char *)cfg + keys[i].offset,
                             keys[i].size);
    }
    if (cfg->theme_file[0])
        load_theme(cfg, r);
    return r->errors == 0;
}
