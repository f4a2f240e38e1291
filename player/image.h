/* image: an image file to a surface of a given box, safely. The size is read
 * from the file's own header (PNG, JPEG, GIF, WebP, BMP) BEFORE anything is
 * decoded, so a small file that claims 30000x30000 pixels is refused without
 * allocating them; other formats are refused, and so is a polyglot: data
 * that another SDL_image loader would also claim (an SVG or XPM behind a
 * WebP header). Only the probed format's own loader decodes, and the result
 * must have the header's size. Files in the cache's format (cache.h header)
 * are verified and unwrapped; plain files are read as they are. Safe to
 * call from any thread. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include <SDL.h>

#include "template.h"

/* Images larger are refused (a cache file may add its header to this). */
#define IMAGE_MAX_FILE_BYTES (64 * 1024 * 1024)

typedef enum {
    IMAGE_UNKNOWN,
    IMAGE_PNG,
    IMAGE_JPEG,
    IMAGE_GIF,
    IMAGE_WEBP,
    IMAGE_BMP,
} image_format;

/* Reads the format and pixel size from the first bytes of an image file.
 * False when the data is not one of the formats above or its header is
 * broken (zero or negative sizes included), or when another format also
 * claims the data (see above). Reads nothing past len. */
bool image_probe(const void *data, size_t len, image_format *fmt, int *w, int *h);

/* Loads `path`, refuses it when width*height > max_pixels (max_pixels <= 0:
 * 16 Mpx) or when image_probe refuses it, decodes it with the SDL2_image
 * loader of its format only, refuses a result of another size than the
 * header's, and scales it once (area averaging, then bilinear) to the
 * largest size that fits inside box_w x box_h keeping its aspect ratio
 * (never enlarged past the box; a smaller image is scaled up to fit). Returns a new
 * ARGB8888 surface the caller frees, or NULL with one log line naming the path and the
 * reason. */
SDL_Surface *image_load(const char *path, int max_pixels, int box_w, int box_h);

/* image_load with a fit (template.h): contain is image_load; cover crops
 * the picture's middle to the box's shape (the cut even on both sides)
 * and scales that to exactly box_w x box_h; auto picks one by
 * template_fit_for from the picture's size. Never stretched. */
SDL_Surface *image_load_fit(const char *path, int max_pixels, int box_w, int box_h,
                            template_fit fit);
