#include <mgsleep/render.h>

#include "doc.h"

#include <string.h>

int mg_format_parse(const char *s)
{
	static const char *const names[] = {"text", "markdown", "html", "json"};
	for (int i = 0; i < 4; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

int mg_render_advice(const struct mg_advice *a, const struct mg_render_opts *o, struct mg_buf *out,
		     struct mg_error *err)
{
	if (o->format == MG_FMT_JSON) {
		mg_render_json(a, o, out);
	} else {
		const struct mg_doc_ops *ops = o->format == MG_FMT_MARKDOWN ? &mg_doc_markdown
					       : o->format == MG_FMT_HTML   ? &mg_doc_html
									    : &mg_doc_text;
		struct mg_doc d = {ops, o, out, 0, o->width >= 40 ? o->width : 80};
		mg_report_build(&d, a);
	}
	if (out->failed)
		return mg_fail(err, MG_ENOMEM, NULL, "cannot render the report: out of memory");
	return 0;
}
