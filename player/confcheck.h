/* confcheck: the checks of a config that need the system, on top of the
 * pure parser: the files it names exist and can be read, the time zone
 * exists (with the IANA names an abbreviation or a typo could mean). The
 * player at start and --check-config run the same confcheck_load. */
#pragma once
#include <stdbool.h>

#include "config.h"

/* Adds to r a problem for each file the config names that cannot be read
 * (fonts, logo when a path, ca_file: errors; a local feed: a warning, since
 * it may appear later and the cached feed shows meanwhile), for a
 * time_zone that is not an IANA zone of the system's data, and for a
 * report_token_file its group or others may read (an error). Returns true
 * when r holds no error. */
bool confcheck_run(const config *cfg, config_report *r);

/* The IANA zones an abbreviation or legacy name may mean ("CST":
 * "Asia/Shanghai, America/Chicago or Asia/Taipei"), else the nearest zone
 * names in the system's data ("Asia/Shangai": "Asia/Shanghai"), written into
 * out; false when none comes close. */
bool confcheck_zone_hint(const char *name, char *out, size_t size);

/* config_defaults, then config_load of path (when not NULL), then
 * confcheck_run: every problem of the file in r (initialised here). Returns
 * true when r holds no error. */
bool confcheck_load(config *cfg, const char *path, config_report *r);
