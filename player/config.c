#define LOG_MODULE "config"
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "log.h"
#include "util.h"

typedef enum {
    T_STR,
    T_INT,
    T_DBL,
    T_BOOL,
    T_COLOR,
    T_WINDOW,
    T_LEVEL,
    T_LANG,
    T_FEED
} key_type;

typedef struct {
    const char *section, *key;
    key_type type;
    size_t offset, size; /* size: buffer size for T_STR */
    double min, max;
} key_spec;

#define STR(s, k, f)                                                                     \
    {                                                                                    \
        s, k, T_STR, offsetof(config, f), sizeof(((config *)0)->f), 0, 0                 \
    }
#define NUM(s, k, t, f, lo, hi)                                                          \
    {                                                                                    \
        s, k, t, offsetof(config, f), 0, lo, hi                                          \
    }
#define DAY(k, i)                                                                        \
    {                                                                                    \
        "hours", k, T_WINDOW, offsetof(config, hours) + (i) * sizeof(config_window), 0,  \
            0, 0                                                                         \
    }

static const key_spec keys[] = {
    {"player", "feed", T_FEED, offsetof(config, feed), sizeof(((config *)0)->feed), 0, 0},
    STR("player", "cache_dir", cache_dir),
    STR("player", "centre_name", centre_name),
    {"player", "language", T_LANG, offsetof(config, language),
     sizeof(((config *)0)->language), 0, 0},
    STR("player", "time_zone", time_zone),
    {"player", "log_level", T_LEVEL, offsetof(config, log_level),
     sizeof(((config *)0)->log_level), 0, 0},
    STR("player", "logo", logo),
    STR("player", "status_file", status_file),
    NUM("display", "fullscreen", T_BOOL, fullscreen, 0, 1),
    NUM("display", "width", T_INT, width, 160, 16384),
    NUM("display", "height", T_INT, height, 120, 16384),
    NUM("display", "software", T_BOOL, software, 0, 1),
    STR("text", "font_regular", font_regular),
    STR("text", "font_bold", font_bold),
    NUM("text", "body_size", T_DBL, body_size, 0.015, 0.2),
    NUM("text", "title_size", T_DBL, title_size, 0.02, 0.3),
    NUM("text", "line_spacing", T_DBL, line_spacing, 1.0, 3.0),
    NUM("text", "paragraph_spacing", T_DBL, paragraph_spacing, 0.0, 3.0),
    NUM("text", "indent", T_BOOL, indent, 0, 1),
    NUM("text", "justify", T_BOOL, justify, 0, 1),
    NUM("text", "enlarge_short", T_BOOL, enlarge_short, 0, 1),
    NUM("text", "margin", T_DBL, margin, 0.0, 0.25),
    NUM("timing", "reading_speed", T_INT, reading_speed, 30, 3000),
    NUM("timing", "page_min", T_INT, page_min, 1, 3600),
    NUM("timing", "page_max", T_INT, page_max, 1, 3600),
    NUM("timing", "duration_cap", T_INT, duration_cap, 1, 86400),
    NUM("fetch", "poll_interval", T_INT, poll_interval, 5, 86400),
    NUM("fetch", "backoff_max", T_INT, backoff_max, 5, 86400),
    NUM("fetch", "connect_timeout", T_INT, connect_timeout, 1, 600),
    NUM("fetch", "total_timeout", T_INT, total_timeout, 1, 3600),
    NUM("fetch", "max_feed_bytes", T_INT, max_feed_bytes, 1024, FEED_MAX_BYTES),
    NUM("fetch", "max_image_bytes", T_INT, max_image_bytes, 1024, 64 * 1024 * 1024),
    NUM("fetch", "max_image_pixels", T_INT, max_image_pixels, 1024, 100 * 1000 * 1000),
    STR("fetch", "ca_file", ca_file),
    NUM("schedule", "max_age_days", T_INT, max_age_days, 0, 36500),
    NUM("schedule", "high_ratio", T_INT, high_ratio, 1, 10),
    NUM("schedule", "urgent_alternate", T_BOOL, urgent_alternate, 0, 1),
    STR("schedule", "display_on_cmd", display_on_cmd),
    STR("schedule", "display_off_cmd", display_off_cmd),
    DAY("mon", 0),
    DAY("tue", 1),
    DAY("wed", 2),
    DAY("thu", 3),
    DAY("fri", 4),
    DAY("sat", 5),
    DAY("sun", 6),
    NUM("theme", "background", T_COLOR, background, 0, 0),
    NUM("theme", "foreground", T_COLOR, foreground, 0, 0),
    NUM("theme", "accent", T_COLOR, accent, 0, 0),
    NUM("theme", "muted", T_COLOR, muted, 0, 0),
};

static void copy_str(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

void config_defaults(config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    copy_str(cfg->feed, sizeof cfg->feed, "demo-feed.json");
    copy_str(cfg->centre_name, sizeof cfg->centre_name, "社区服务中心");
    copy_str(cfg->language, sizeof cfg->language, "zh");
    copy_str(cfg->log_level, sizeof cfg->log_level, "info");
    cfg->fullscreen = true;
    cfg->width = 1280;
    cfg->height = 720;
    cfg->body_size = 0.045; /* 48 px at 1080p: comfortable at 3 m */
    cfg->title_size = 0.068;
    cfg->line_spacing = 1.55;
    cfg->paragraph_spacing = 0.45;
    cfg->indent = true;
    cfg->justify = true;
    cfg->enlarge_short = true;
    cfg->margin = 0.06;
    cfg->reading_speed = 300;
    cfg->page_min = 8;
    cfg->page_max = 45;
    cfg->duration_cap = 300;
    cfg->poll_interval = 60;
    cfg->backoff_max = 900;
    cfg->connect_timeout = 10;
    cfg->total_timeout = 30;
    cfg->max_feed_bytes = 8 * 1024 * 1024;
    cfg->max_image_bytes = 10 * 1024 * 1024;
    cfg->max_image_pixels = 16 * 1000 * 1000;
    cfg->high_ratio = 2;
    cfg->background = (config_color){0x10, 0x2a, 0x3c};
    cfg->foreground = (config_color){0xf5, 0xf1, 0xe8};
    cfg->accent = (config_color){0xf0, 0xb4, 0x48};
    cfg->muted = (config_color){0x9d, 0xb4, 0xc0};
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

static const char *set_str(char *field, size_t size, const char *v)
{
    if (strlen(v) >= size)
        return "value too long";
    copy_str(field, size, v);
    return NULL;
}

/* Returns NULL on success or a description of what is wrong. */
static const char *set_value(config *cfg, const key_spec *k, const char *v)
{
    char *field = (char *)cfg + k->offset;
    long n;
    double d;
    char *end;
    enum log_level lv;
    switch (k->type) {
    case T_STR:
        return set_str(field, k->size, v);
    case T_LANG:
        if (!feed_language_valid(v))
            return "expected a BCP 47 language tag such as zh or zh-Hans-CN";
        return set_str(field, k->size, v);
    case T_FEED:
        if (strstr(v, "://") && strncmp(v, "file://", 7) != 0 &&
            strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0)
            return "expected a path, or a file://, http:// or https:// URL";
        return set_str(field, k->size, v);
    case T_LEVEL:
        if (!log_level_from_name(v, &lv))
            return "expected error, warn, info or debug";
        copy_str(field, k->size, v);
        return NULL;
    case T_INT:
        if (!parse_int(v, &n))
            return "expected a whole number";
        if (n < k->min || n > k->max)
            return "number out of range";
        *(int *)field = (int)n;
        return NULL;
    case T_DBL:
        errno = 0;
        d = strtod(v, &end);
        if (errno || end == v || *end)
            return "expected a number";
        if (!(d >= k->min && d <= k->max))
            return "number out of range";
        *(double *)field = d;
        return NULL;
    case T_BOOL:
        return parse_bool(v, (bool *)field) ? NULL : "expected true or false";
    case T_COLOR:
        return parse_color(v, (config_color *)field) ? NULL
                                                     : "expected a colour like #1a2b3c";
    case T_WINDOW:
        if (!parse_window(v, (config_window *)field))
            return "expected HH:MM-HH:MM (00:00 to 24:00, two different times), all or "
                   "off";
        cfg->hours_set = true;
        return NULL;
    }
    return "internal: unknown type";
}

static const key_spec *find_key(const char *section, const char *key, bool *section_known)
{
    *section_known = false;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (strcmp(keys[i].section, section) != 0)
            continue;
        *section_known = true;
        if (strcmp(keys[i].key, key) == 0)
            return &keys[i];
    }
    return NULL;
}

/* Handles one line; returns NULL or an error message (which may use buf). */
static const char *parse_line(config *cfg, char *line, char *section, size_t section_size,
                              char *buf, size_t buf_size)
{
    char *s = trim(line);
    if (*s == '\0' || *s == '#' || *s == ';')
        return NULL;
    if (*s == '[') {
        char *close = strchr(s, ']');
        if (!close || *trim(close + 1) != '\0')
            return "malformed section header";
        *close = '\0';
        s = trim(s + 1);
        bool known;
        find_key(s, "", &known);
        if (!known) {
            snprintf(buf, buf_size, "unknown section [%s]", s);
            return buf;
        }
        copy_str(section, section_size, s);
        return NULL;
    }
    char *eq = strchr(s, '=');
    if (!eq)
        return "expected key = value";
    *eq = '\0';
    char *key = trim(s), *value = trim(eq + 1);
    size_t vn = strlen(value);
    if (vn >= 2 && value[0] == '"' && value[vn - 1] == '"') {
        value[vn - 1] = '\0';
        value++;
    }
    if (*section == '\0')
        return "key outside of any section";
    bool known;
    const key_spec *k = find_key(section, key, &known);
    if (!k) {
        snprintf(buf, buf_size, "unknown key '%s' in [%s]", key, section);
        return buf;
    }
    const char *why = set_value(cfg, k, value);
    if (why) {
        snprintf(buf, buf_size, "%s.%s: %s", section, key, why);
        return buf;
    }
    return NULL;
}

static bool check_whole(const config *cfg, const char *filename, char *err,
                        size_t err_size)
{
    if (cfg->page_min > cfg->page_max) {
        snprintf(err, err_size, "%s: timing.page_min is larger than timing.page_max",
                 filename);
        return false;
    }
    if (cfg->feed[0] == '\0') {
        snprintf(err, err_size, "%s: player.feed is empty", filename);
        return false;
    }
    return true;
}

bool config_parse(config *cfg, const char *text, size_t len, const char *filename,
                  char *err, size_t err_size)
{
    char section[32] = "";
    char line[CONFIG_MAX_LINE + 1];
    char msg[256];
    size_t pos = 0;
    int lineno = 0;
    while (pos < len) {
        lineno++;
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        if (n > CONFIG_MAX_LINE) {
            snprintf(err, err_size, "%s:%d: line longer than %d bytes", filename, lineno,
                     CONFIG_MAX_LINE);
            return false;
        }
        memcpy(line, text + pos, n);
        line[n] = '\0';
        pos += n + 1;
        if (strlen(line) != n) {
            snprintf(err, err_size, "%s:%d: NUL byte in line", filename, lineno);
            return false;
        }
        const char *why = parse_line(cfg, line, section, sizeof section, msg, sizeof msg);
        if (why) {
            snprintf(err, err_size, "%s:%d: %s", filename, lineno, why);
            return false;
        }
    }
    return check_whole(cfg, filename, err, err_size);
}

/* A relative feed, logo, cache_dir or status_file path is relative to the config file's
 * folder, never to the working directory. */
static void resolve_relative(char *value, size_t size, const char *config_path)
{
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
}

bool config_load(config *cfg, const char *path, char *err, size_t err_size)
{
    size_t n;
    char *buf = read_file_capped(path, CONFIG_MAX_FILE, &n);
    if (!buf) {
        if (errno == EFBIG)
            snprintf(err, err_size, "%s: larger than %d bytes", path, CONFIG_MAX_FILE);
        else
            snprintf(err, err_size, "%s: %s", path, read_file_error(errno));
        return false;
    }
    bool ok = config_parse(cfg, buf, n, path, err, err_size);
    free(buf);
    if (ok) {
        resolve_relative(cfg->feed, sizeof cfg->feed, path);
        resolve_relative(cfg->logo, sizeof cfg->logo, path);
        resolve_relative(cfg->cache_dir, sizeof cfg->cache_dir, path);
        resolve_relative(cfg->status_file, sizeof cfg->status_file, path);
    }
    return ok;
}
