/* The web app's pages, stylesheet, scripts and icons (issue 14), built into
 * the binary: tools/embed-web.py turns every file listed in web/meson.build
 * into a constant byte array and a table sorted by URL path, so that
 * `mgsleep web` serves them without reading any file at run time.
 *
 * URL paths: web/pages/index.html is "/", web/pages/NAME.html is "/NAME"
 * ("/diary", "/advice" ...); web/static/FILE is "/static/FILE".
 *
 * Every page holds the literal {{csrf-token}} exactly once, in
 * <meta name="csrf-token" content="{{csrf-token}}">: the server substitutes
 * the session's token before sending (the asset itself is constant). Pages
 * have no inline script or style and no external URL (the CSP is
 * default-src 'none'; script-src 'self'; style-src 'self' ...).
 *
 * Ownership: *data and *content_type are static, never freed, and live as
 * long as the program. */
#ifndef MG_NET_WEB_ASSETS_H
#define MG_NET_WEB_ASSETS_H

#include <stddef.h>

/* Look up path (the URL path without the query string, e.g. "/",
 * "/diary", "/static/app.css"). 0 and *data, *len, *content_type set
 * ("text/html; charset=utf-8", "text/css; charset=utf-8",
 * "text/javascript; charset=utf-8", "image/svg+xml" ...), or MG_ENODATA
 * (include/mgsleep/error.h: "not built in") when no asset has that path;
 * the outputs are then left alone. Any pointer argument but path may be
 * NULL. */
int mg_web_asset(const char *path, const unsigned char **data, size_t *len, const char **content_type);

/* Whether the asset at path is an HTML page (holds {{csrf-token}}). */
int mg_web_asset_is_page(const char *path);

#endif
