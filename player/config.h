/* config: the INI file to a struct holding every setting, with defaults.
 * Pure: reads a buffer, no SDL, no network, no clock. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONFIG_MAX_LINE 4096 /* longer lines are an error, never cut */
#define CONFIG_MAX_FILE (1024 * 1024)

typedef struct {
    uint8_t r, g, b;
} config_color;

/* One daily window in minutes since midnight; from == to == 0 means off. */
typedef struct {
    int16_t from, to;
} config_window;

typedef struct config {
    /* [player] */
    char feed[2048];      /* path, file:// or http(s):// URL */
    char cache_dir[1024]; /* empty: chosen at run time (XDG or system path) */
    char centre_name[256];
    char language[32];  /* default text language, BCP 47, "zh" */
    char time_zone[64]; /* IANA name; empty = the system's */
    char log_level[16]; /* error, warn, info, debug */
    char logo[2048];    /* optional image path or URL */

    char status_file[1024]; /* empty: status_default_path() at run time */

    /* [display] */
    bool fullscreen;
    int width, height; /* window size when not fullscreen */
    bool software;     /* software renderer: no GL driver mapped (less memory
                          where there is no GPU); default: accelerated */

    /* [text] */
    char font_regular[1024]; /* empty: the bundled font */
    char font_bold[1024];
    double body_size;         /* minimum readable body size, fraction of screen height */
    double title_size;        /* title size, fraction of screen height */
    double line_spacing;      /* line height as a multiple of the font size */
    double paragraph_spacing; /* extra gap between paragraphs, in lines */
    bool indent;              /* two-character first-line indent */
    bool justify;             /* justify lines to both margins */
    bool enlarge_short;       /* short items set up to 1.3 times larger */
    double margin;            /* outer margin, fraction of screen height */

    /* [timing] */
    int reading_speed; /* characters per minute */
    int page_min;      /* seconds */
    int page_max;      /* seconds */
    int duration_cap;  /* cap for an item's own duration, seconds */

    /* [fetch] */
    int poll_interval;    /* seconds */
    int backoff_max;      /* seconds */
    int connect_timeout;  /* seconds */
    int total_timeout;    /* seconds */
    int max_feed_bytes;   /* bytes */
    int max_image_bytes;  /* bytes */
    int max_image_pixels; /* width*height cap */
    char ca_file[1024];

    /* [schedule] */
    int max_age_days;       /* 0: no limit */
    int high_ratio;         /* a high item shows this many times per normal round */
    bool urgent_alternate;  /* urgent alternates with rotation instead of holding */
    config_window hours[7]; /* screen hours, ISO weekday 1..7 at [0..6] */
    bool hours_set;         /* false: always on */
    char display_on_cmd[512];
    char display_off_cmd[512];

    /* [theme] */
    config_color background, foreground, accent, muted;
} config;

/* Fills every field with its default. */
void config_defaults(config *cfg);

/* Parses an INI buffer over the defaults already in cfg. On error writes
 * "file:line: message" into err and returns false. Unknown sections or keys
 * and bad values are errors. */
bool config_parse(config *cfg, const char *text, size_t len, const char *filename,
                  char *err, size_t err_size);

/* Reads and parses a file (capped at CONFIG_MAX_FILE). */
bool config_load(config *cfg, const char *path, char *err, size_t err_size);
