/* params: the config turned into what each module takes, in one place, so
 * that no module but this one and main reads the whole config. */
#pragma once
#include "config.h"
#include "deck.h"
#include "fleet.h"
#include "layout.h"
#include "media.h"
#include "push.h"
#include "render.h"
#include "schedule.h"
#include "sizes.h"
#include "source.h"

/* [schedule] and [hours], in zone (borrowed). */
schedule_params params_schedule(const config *cfg, tz *zone);

/* [player] feed, cache and logo, and [fetch], for source. The strings
 * point into cfg. */
source_params params_source(const config *cfg);

/* [fleet]'s reporting, with [fetch]'s timeouts and CA file and the cache
 * folder, for fleet_create. The strings point into cfg. */
fleet_params params_fleet(const config *cfg);

/* [theme] colours and the centre's name, for render. */
render_theme params_theme(const config *cfg);

/* The text sizes for a screen: [display] viewing_distance and
 * screen_diagonal, [text] body_size and title_size, and the panel's size
 * display found (NULL: unknown). */
sizes_text params_sizes(const config *cfg, int screen_w, int screen_h,
                        const sizes_panel *panel);

/* [text] (and the language) for a screen, its sizes from params_sizes,
 * before any item's own language, duration, image or the feed's ticker:
 * deck_create's base. Borrows cfg's language. */
layout_params params_layout_panel(const config *cfg, int screen_w, int screen_h,
                                  const sizes_panel *panel);
/* params_layout_panel for a panel of unknown size. */
layout_params params_layout(const config *cfg, int screen_w, int screen_h);

/* [timing]'s duration cap and airtime cap, and [text] qr, for deck_create. */
deck_limits params_deck(const config *cfg);

/* Fonts, language, the image pixel cap and the logo, for media_create.
 * Borrows cfg's strings. */
media_params params_media(const config *cfg);

/* [fleet] mqtt_url, mqtt_topic and screen_id, and [fetch] ca_file, for
 * push_create. The strings point into cfg. */
push_params params_push(const config *cfg);
