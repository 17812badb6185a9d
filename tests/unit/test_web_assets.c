/* The built-in web app (src/net/web_assets.h): the seven pages of issue 14
 * and their assets by URL path, each page with {{csrf-token}} exactly once
 * in its meta tag (the server substitutes it), and the not-found code. */
#include "../tap.h"

#include <mgsleep/error.h>

#include "../../src/net/web_assets.h"

#include <stdlib.h>
#include <string.h>

static size_t count(const unsigned char *d, size_t n, const char *needle)
{
	size_t k = strlen(needle), c = 0;

	for (size_t i = 0; i + k <= n; i++)
		if (!memcmp(d + i, needle, k))
			c++;
	return c;
}

int main(void)
{
	/* issue 14, "Pages (at /, /diary, ...)" */
	static const char *pages[] = {"/", "/diary", "/advice", "/trial", "/questionnaires", "/import", "/share"};
	const unsigned char *d = NULL;
	const char *type = NULL;
	size_t n = 0;

	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
		int rc = mg_web_asset(pages[i], &d, &n, &type);
		ok(rc == 0, "%s is built in", pages[i]);
		if (rc)
			continue;
		is_str(type, "text/html; charset=utf-8", "%s is HTML", pages[i]);
		ok(mg_web_asset_is_page(pages[i]), "%s is a page", pages[i]);
		ok(count(d, n, "{{csrf-token}}") == 1, "%s holds {{csrf-token}} once", pages[i]);
		ok(count(d, n, "<meta name=\"csrf-token\" content=\"{{csrf-token}}\">") == 1, "%s: in the meta tag",
		   pages[i]);
		ok(count(d, n, "nformation, not medical advice") >= 1, "%s says information, not medical advice",
		   pages[i]);
	}
	ok(mg_web_asset("/static/app.css", &d, &n, &type) == 0 && n > 0, "the stylesheet is built in");
	is_str(type, "text/css; charset=utf-8", "CSS type");
	ok(!mg_web_asset_is_page("/static/app.css"), "the stylesheet is not a page");
	ok(mg_web_asset("/static/app.css", NULL, NULL, NULL) == 0, "NULL outputs are allowed");

	d = (const unsigned char *)"x";
	ok(mg_web_asset("/nope", &d, &n, &type) == MG_ENODATA, "an unknown path is MG_ENODATA");
	ok(d && *d == 'x', "outputs untouched when not found");
	ok(mg_web_asset("/diary/", NULL, NULL, NULL) == MG_ENODATA, "no trailing-slash alias");
	ok(mg_web_asset("/static/../pages/index.html", NULL, NULL, NULL) == MG_ENODATA, "no file-system paths");
	ok(mg_web_asset("", NULL, NULL, NULL) == MG_ENODATA, "empty path");
	ok(mg_web_asset(NULL, NULL, NULL, NULL) == MG_ENODATA, "NULL path");
	return tap_done();
}
