/* image: an image file to a surface of a given box, safely. The size is read
 * from the file's own header (PNG, JPEG, GIF, WebP, BMP) BEFORE anything is
 * decoded, so a small file that claims 30000x30000 pixels is refused without
 * allocating them; other formats are refused. Files in the cache's format
 * (cache.h header) are verified and unwrapped; plain files are read as
 * they are. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include <SDL.h>

#define IMAGE_MAX_FILE_BYTES (64 * 1024 * 1024) /* files larger are refused */

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
 * broken (zero or negative sizes included). Reads nothing past len. */
bool image_probe(const void *data, size_t len, image_format *fmt, int *w, int *h);

/* Loads `path`, refuses it when width*height > max_pixels (max_pixels <= 0:
 * 16 Mpx), decodes it with SDL2_image and scales it once (area averaging,
 * then bilinear) to the largest size that fits inside box_w x box_h keeping
 * its aspect ratio (never enlarged past the box; a smaller image is scaled
 * up to fit). Returns a new ARGB8888 surface the caller frees, or NULL with
 * one log line naming the path and the reason. */
SDL_Surface *image_load(const char *path, int max_pixels, int box_w, int box_h);
