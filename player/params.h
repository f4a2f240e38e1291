/* params: the config turned into what each module takes, in one place, so
 * that no module but this one and main reads the whole config. */
#pragma once
#include "config.h"
#include "render.h"
#include "schedule.h"
#include "source.h"

/* [schedule] and [hours], in zone (borrowed). */
schedule_params params_schedule(const config *cfg, tz *zone);

/* [player] feed, cache and logo, and [fetch], for source. The strings
 * point into cfg. */
source_params params_source(const config *cfg);

/* [theme] colours and the centre's name, for render. */
render_theme params_theme(const config *cfg);
