#define LOG_MODULE "config"
#include "confcheck.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "minisign.h"
#include "tz.h"

#define ZONEINFO "/usr/share/zoneinfo"

/* Why path cannot be read as a file, or NULL when it can. */
static const char *unreadable(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return strerror(errno);
    if (!S_ISREG(st.st_mode))
        return "not a regular file";
    if (access(path, R_OK) != 0)
        return strerror(errno);
    return NULL;
}

/* A font may carry a face index: "/path/font.ttc#1". */
static const char *unreadable_font(const char *spec)
{
    const char *why = unreadable(spec);
    const char *hash = strrchr(spec, '#');
    if (why && hash && hash[1] && strspn(hash + 1, "0123456789") == strlen(hash + 1)) {
        char path[4096];
        snprintf(path, sizeof path, "%.*s", (int)(hash - spec), spec);
        if (!unreadable(path))
            return NULL;
    }
    return why;
}

static const char *local_path(const char *v)
{
    if (strncmp(v, "file://", 7) == 0)
        return v + 7;
    return strstr(v, "://") ? NULL : v;
}

static void check_file(const config_key *k, const char *v, config_report *r, int line)
{
    const char *path = local_path(v);
    if (!v[0] || !path)
        return;
    if (k->type == CONFIG_FEED) {
        const char *why = unreadable(path);
        if (why)
            config_report_add(r, true, line,
                              "%s.%s: cannot read %s (%s): the player starts, shows "
                              "the cached feed and reads the file when it appears",
                              k->section, k->name, path, why);
        return;
    }
    const char *why =
        strncmp(k->name, "font_", 5) == 0 ? unreadable_font(path) : unreadable(path);
    if (why)
        config_report_add(r, false, line, "%s.%s: cannot read %s: %s", k->section,
                          k->name, path, why);
}

/* Abbreviations and legacy names people write, with the zones they mean. */
static const struct {
    const char *name, *zones;
} known_abbrev[] = {
    {"CST", "Asia/Shanghai, America/Chicago or Asia/Taipei"},
    {"CDT", "America/Chicago"},
    {"EST", "America/New_York"},
    {"EDT", "America/New_York"},
    {"MST", "America/Denver or America/Phoenix"},
    {"MDT", "America/Denver"},
    {"PST", "America/Los_Angeles"},
    {"PDT", "America/Los_Angeles"},
    {"HKT", "Asia/Hong_Kong"},
    {"JST", "Asia/Tokyo"},
    {"KST", "Asia/Seoul"},
    {"SGT", "Asia/Singapore"},
    {"IST", "Asia/Kolkata, Europe/Dublin or Asia/Jerusalem"},
    {"GMT", "UTC or Europe/London"},
    {"BST", "Europe/London"},
    {"CET", "Europe/Berlin or Europe/Paris"},
    {"CEST", "Europe/Berlin or Europe/Paris"},
    {"EET", "Europe/Athens or Europe/Helsinki"},
    {"MSK", "Europe/Moscow"},
    {"AEST", "Australia/Sydney"},
    {"NZST", "Pacific/Auckland"},
    {"PRC", "Asia/Shanghai"},
    {"ROC", "Asia/Taipei"},
    {"Beijing", "Asia/Shanghai"},
    {"Asia/Beijing", "Asia/Shanghai"},
    {"China", "Asia/Shanghai"},
    {"Hongkong", "Asia/Hong_Kong"},
    {"Japan", "Asia/Tokyo"},
    {"Singapore", "Asia/Singapore"},
    {"US/Eastern", "America/New_York"},
    {"US/Central", "America/Chicago"},
    {"US/Mountain", "America/Denver"},
    {"US/Pacific", "America/Los_Angeles"},
    {"GMT+8", "Asia/Shanghai, or Etc/GMT-8 (POSIX signs are reversed)"},
    {"UTC+8", "Asia/Shanghai, or Etc/GMT-8 (POSIX signs are reversed)"},
};

/* Appends to out the entries of ZONEINFO/area within distance 2 of name. */
static void near_zones(const char *area, const char *name, char *out, size_t size)
{
    char dir[256], zone[300];
    snprintf(dir, sizeof dir, "%s/%s", ZONEINFO, area);
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(zone, sizeof zone, "%s/%s", area, e->d_name);
        size_t used = strlen(out);
        if (config_distance(name, zone) <= 2 && tz_valid_name(zone) &&
            used + strlen(zone) + 3 < size)
            snprintf(out + used, size - used, "%s%s", used ? " or " : "", zone);
    }
    closedir(d);
}

bool confcheck_zone_hint(const char *name, char *out, size_t size)
{
    static const char *const areas[] = {"Africa", "America",  "Antarctica", "Arctic",
                                        "Asia",   "Atlantic", "Australia",  "Europe",
                                        "Indian", "Pacific",  "Etc"};
    out[0] = '\0';
    for (size_t i = 0; i < sizeof known_abbrev / sizeof known_abbrev[0]; i++) {
        if (strcasecmp(name, known_abbrev[i].name) == 0) {
            snprintf(out, size, "%s", known_abbrev[i].zones);
            return true;
        }
    }
    for (size_t i = 0; i < sizeof areas / sizeof areas[0]; i++)
        near_zones(areas[i], name, out, size);
    return out[0] != '\0';
}

static void check_zone(const char *zone, config_report *r)
{
    if (!zone[0] || tz_valid_name(zone))
        return;
    int line = config_report_line(r, "player", "time_zone");
    char hint[300];
    if (confcheck_zone_hint(zone, hint, sizeof hint))
        config_report_add(r, false, line,
                          "player.time_zone: '%s' is not an IANA zone name; did you mean "
                          "%s?",
                          zone, hint);
    else
        config_report_add(r, false, line,
                          "player.time_zone: unknown zone '%s': expected an IANA name "
                          "such as Asia/Shanghai, or UTC (see /usr/share/zoneinfo)",
                          zone);
}

/* A signing key that cannot be used: no feed would ever show. */
static void check_key(const char *value, config_report *r, int line)
{
    minisign_key key;
    char why[300];
    if (value[0] && minisign_key_load(value, &key, why, sizeof why) != MINISIGN_OK)
        config_report_add(r, false, line, "player.feed_public_key: %s", why);
}

/* A secret others can read is no secret: the player refuses it. */
static void check_secret(const char *path, config_report *r)
{
    struct stat st;
    if (!path[0] || stat(path, &st) != 0 || !(st.st_mode & (S_IRGRP | S_IROTH)))
        return;
    config_report_add(r, false, config_report_line(r, "fleet", "report_token_file"),
                      "fleet.report_token_file: %s is readable by %s (mode %04o): "
                      "chmod 600 it",
                      path, st.st_mode & S_IROTH ? "others" : "its group",
                      (unsigned)(st.st_mode & 07777));
}

bool confcheck_run(const config *cfg, config_report *r)
{
    size_t n;
    const config_key *keys = config_keys(&n);
    for (size_t i = 0; i < n; i++) {
        config_type t = keys[i].type;
        if (t == CONFIG_FILE || t == CONFIG_LOGO || t == CONFIG_FEED)
            check_file(&keys[i], (const char *)cfg + keys[i].offset, r, r->key_line[i]);
    }
    check_zone(cfg->time_zone, r);
    check_key(cfg->feed_public_key, r,
              config_report_line(r, "player", "feed_public_key"));
    check_secret(cfg->report_token_file, r);
    return r->errors == 0;
}

/* In line order (stable: problems of one line keep their order). */
static void sort_by_line(config_report *r)
{
    for (int i = 1; i < r->count; i++) {
        config_problem p = r->problems[i];
        int j = i;
        for (; j > 0 && r->problems[j - 1].line > p.line; j--)
            r->problems[j] = r->problems[j - 1];
        r->problems[j] = p;
    }
}

bool confcheck_load(config *cfg, const char *path, config_report *r)
{
    config_report_init(r, path ? path : "defaults");
    config_defaults(cfg);
    if (path && !config_load(cfg, path, r) && r->unread)
        return false;
    confcheck_run(cfg, r);
    sort_by_line(r);
    return r->errors == 0;
}
