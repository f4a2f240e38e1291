/* fonts: opens faces (the bundled font or the configured ones), finds
 * fallback faces through fontconfig for characters they lack, measures and
 * renders single lines run by run. Owns every TTF_Font and a measure cache. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <SDL.h>

#include "layout.h"

typedef struct fonts fonts;

/* regular/bold: font files; NULL or "" picks the bundled font found next to
 * the executable or in the install prefix. Returns NULL only when no face at
 * all could be opened (logged). Requires TTF_Init() done. */
fonts *fonts_create(const char *regular, const char *bold, const char *language);
void fonts_destroy(fonts *f);

/* Pixel advance width of one line of UTF-8 text, with fallback faces. */
int fonts_width(fonts *f, const char *utf8, size_t len, int px, bool bold);

/* Renders one line (no wrapping) as an ARGB8888 surface with alpha, drawing
 * each run with the face that has its glyphs; characters no face has become
 * a visible replacement box and are logged once. NULL for empty text. */
SDL_Surface *fonts_render(fonts *f, const char *utf8, size_t len, int px, bool bold,
                          SDL_Color color);

/* Ascent and line height of the primary face at px (for baselines). */
int fonts_ascent(fonts *f, int px, bool bold);
int fonts_height(fonts *f, int px, bool bold);

/* true when some available face (primary or fallback) has the code point. */
bool fonts_has_glyph(fonts *f, uint32_t cp);

/* A layout_measure that calls fonts_width. */
layout_measure fonts_measure(fonts *f);
