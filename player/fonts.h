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
 * the executable or in the install prefix (<exe>/../fonts,
 * <exe>/../share/signage-player/fonts, the source tree, the configured
 * install prefix, /usr/share/signage-player/fonts). "file.ttc#2" selects
 * face 2 of a collection. A file that does not open is logged and the
 * bundled font used instead; a missing bold face is emboldened from the
 * regular one. A character the primary face lacks is drawn with the
 * bundled font (when a configured font is primary), else with the first
 * font of fontconfig's sort for "sans-serif:lang=<language>" that has it
 * (bitmap-only faces such as CBDT colour emoji skipped); the choice is
 * cached per code point. language is BCP 47, NULL = "zh-CN". fontconfig is
 * started only when a character needs it; when it fails or lists no fonts,
 * such characters are boxes. Returns NULL only when no face at all could be
 * opened (logged). Requires TTF_Init() done. Main thread only. */
fonts *fonts_create(const char *regular, const char *bold, const char *language);
void fonts_destroy(fonts *f);

/* Pixel advance width of one line of UTF-8 text, with fallback faces.
 * Invalid UTF-8 counts as U+FFFD; control characters have no width; at most
 * 4,096 characters and 16,384 px. Results are cached per (px, bold, text)
 * (up to 16,384 entries, then the cache starts over). 0 for empty text. */
int fonts_width(fonts *f, const char *utf8, size_t len, int px, bool bold);

/* Renders one line (no wrapping) as an ARGB8888 surface with alpha, drawing
 * each run with the face that has its glyphs; characters no face has become
 * a visible replacement box (a hollow square one em wide) and are logged
 * once. The surface is fonts_width() wide and fonts_height() high, with the
 * baseline fonts_ascent() from its top; every pixel has the RGB of color,
 * coverage is in alpha. Set as clreq asks (measured the same way by
 * fonts_width): a full-width mark with a blank half (its ink in the other
 * half of the em box, as in Simplified Chinese faces) loses that half
 * before another mark, at the line's end (closing marks) or start (opening
 * marks), one half em per pair of marks; a quarter em separates Han from
 * Latin letters and digits, replacing a space there. A run of Arabic or Hebrew is shaped
 * right to left as a whole (no bidi reordering between runs). NULL for empty text (or
 * text of zero width). */
SDL_Surface *fonts_render(fonts *f, const char *utf8, size_t len, int px, bool bold,
                          SDL_Color color);

/* As fonts_width and fonts_render (regular weight), in the monospace face
 * fontconfig gives for "monospace:lang=<language>" (Noto Sans Mono CJK when
 * installed), looked up once; its fallbacks are this set's. Without such a
 * face, the regular face. */
int fonts_width_mono(fonts *f, const char *utf8, size_t len, int px);
SDL_Surface *fonts_render_mono(fonts *f, const char *utf8, size_t len, int px,
                               SDL_Color color);

/* The line's coverage for a renderer to tint at draw time: as fonts_render
 * (fonts_render_mono when mono; bold is then ignored) in white, so that one
 * texture serves every colour (SDL_SetTextureColorMod). The surface is at
 * least min_w wide (up to 16384 px): the line at its left, the rest
 * clear, room to justify the line in place. */
SDL_Surface *fonts_render_coverage(fonts *f, const char *utf8, size_t len, int px,
                                   bool bold, bool mono, int min_w);

/* Ascent and line height of the primary face at px (for baselines).
 * Test seam: only the tests call these (to check fonts_render's surface). */
int fonts_ascent(fonts *f, int px, bool bold);
int fonts_height(fonts *f, int px, bool bold);

/* true when some available face (primary or fallback) has the code point.
 * Test seam: only the tests call it. */
bool fonts_has_glyph(fonts *f, uint32_t cp);

#define FONTS_VARIANTS 5 /* the primary faces, TC, HK, JP, KR */

/* Chooses the faces that set text of a language (BCP 47) from now on, for
 * fonts_width, fonts_render and fonts_face_for: zh-TW and zh-Hant get a
 * Traditional Chinese face (fontconfig's best sans-serif for zh-tw, e.g.
 * Noto Sans CJK TC, with its punctuation centred in the em box), zh-HK and
 * zh-MO an HK one, ja a Japanese and ko a Korean face; zh, zh-Hans and
 * others the primary faces. NULL: fonts_create's language (where a
 * configured font is primary). A face fontconfig does not have leaves the
 * primary faces (logged once). Returns the variant in use, 0 for the
 * primary faces (a cache key for what was drawn with it). */
int fonts_use_language(fonts *f, const char *language);

/* A layout_measure that calls fonts_width, fonts_width_mono (and
 * fonts_use_language). */
layout_measure fonts_measure(fonts *f);

enum fonts_face { FONTS_FACE_NONE, FONTS_FACE_PRIMARY, FONTS_FACE_FALLBACK };

/* Which face draws cp at the weight: the primary face, a fallback, or none
 * (the replacement box). *path (if path is not NULL) gets the face's file,
 * borrowed until fonts_destroy, or NULL for none. Test seam: only the tests
 * call it. */
enum fonts_face fonts_face_for(fonts *f, uint32_t cp, bool bold, const char **path);

typedef struct {
    unsigned long measure_hits, measure_misses; /* fonts_width calls */
    int measure_entries;                        /* cached widths now */
    int files;      /* font files known (primary + fallback) */
    int open_fonts; /* TTF_Font objects open (one a file) */
} fonts_stats;

/* Test seam: for the tests and benchmarks (cache hits, open faces). */
fonts_stats fonts_get_stats(const fonts *f);

/* x[b] for every byte b of utf8[0..len] (len + 1 entries): where the
 * character that starts at b is drawn in fonts_render's line (the pen
 * position, before its autospace); x[len] is the line's width. For
 * justification, which moves glyphs apart. Kerning inside a run of Latin
 * letters is not counted between its letters. */
void fonts_positions(fonts *f, const char *utf8, size_t len, int px, bool bold, int *x);
