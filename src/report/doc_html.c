/* HTML backend: one self-contained file, inline CSS, no scripts, no external
 * assets; readable when printed. */
#include "doc.h"

#include <string.h>

static void close_list(struct mg_doc *d)
{
	if (d->in_list == 1)
		mg_buf_puts(d->out, "</ul>\n");
	else if (d->in_list == 2)
		mg_buf_puts(d->out, "</ol>\n");
	d->in_list = 0;
}

static void h_title(struct mg_doc *d, const char *text)
{
	mg_buf_puts(d->out,
		    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	mg_buf_put_html(d->out, text);
	mg_buf_puts(d->out, "</title>\n<style>\n"
			    "body{font:16px/1.5 system-ui,sans-serif;max-width:46em;margin:2em auto;padding:0 1em;color:#222}\n"
			    "h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.5em;border-bottom:1px solid #ccc}\n"
			    "sup a{text-decoration:none}li{margin:.3em 0}.refs{font-size:.9em}\n"
			    "</style>\n</head>\n<body>\n<h1>");
	mg_buf_put_html(d->out, text);
	mg_buf_puts(d->out, "</h1>\n");
}

static void h_heading(struct mg_doc *d, const char *text)
{
	close_list(d);
	mg_buf_puts(d->out, "<h2>");
	mg_buf_put_html(d->out, text);
	mg_buf_puts(d->out, "</h2>\n");
}

/* "[1,3]" -> links to the reference list. */
static void cite_links(struct mg_doc *d, const char *cites)
{
	if (!*cites)
		return;
	mg_buf_puts(d->out, " <sup>[");
	const char *s = cites + 1;
	while (*s && *s != ']') {
		size_t n = strspn(s, "0123456789");
		mg_buf_puts(d->out, "<a href=\"#ref-");
		mg_buf_add(d->out, s, n);
		mg_buf_puts(d->out, "\">");
		mg_buf_add(d->out, s, n);
		mg_buf_puts(d->out, "</a>");
		s += n;
		if (*s == ',') {
			mg_buf_puts(d->out, ", ");
			s++;
		} else if (n == 0) {
			break; /* not a citation marker: stop rather than loop */
		}
	}
	mg_buf_puts(d->out, "]</sup>");
}

static void inner(struct mg_doc *d, const char *label, const char *text, const char *cites)
{
	if (label) {
		mg_buf_puts(d->out, "<strong>");
		mg_buf_put_html(d->out, label);
		mg_buf_puts(d->out, "</strong> ");
	}
	mg_buf_put_html(d->out, text);
	cite_links(d, cites);
}

static void h_para(struct mg_doc *d, const char *label, const char *text, const char *cites)
{
	close_list(d);
	mg_buf_puts(d->out, "<p>");
	inner(d, label, text, cites);
	mg_buf_puts(d->out, "</p>\n");
}

static void h_item(struct mg_doc *d, const char *label, const char *text, const char *cites)
{
	if (d->in_list != 1) {
		close_list(d);
		mg_buf_puts(d->out, "<ul>\n");
		d->in_list = 1;
	}
	mg_buf_puts(d->out, "<li>");
	inner(d, label, text, cites);
	mg_buf_puts(d->out, "</li>\n");
}

static void h_ref(struct mg_doc *d, int num, const char *id, const char *citation, const char *url)
{
	if (d->in_list != 2) {
		close_list(d);
		mg_buf_puts(d->out, "<ol class=\"refs\">\n");
		d->in_list = 2;
	}
	mg_buf_printf(d->out, "<li id=\"ref-%d\" data-source=\"", num);
	mg_buf_put_html(d->out, id);
	mg_buf_puts(d->out, "\">");
	mg_buf_put_html(d->out, citation);
	if (*url) {
		mg_buf_puts(d->out, " <a href=\"");
		mg_buf_put_html(d->out, url);
		mg_buf_puts(d->out, "\">");
		mg_buf_put_html(d->out, url);
		mg_buf_puts(d->out, "</a>");
	}
	mg_buf_puts(d->out, "</li>\n");
}

static void h_end(struct mg_doc *d)
{
	close_list(d);
	mg_buf_puts(d->out, "</body>\n</html>\n");
}

const struct mg_doc_ops mg_doc_html = {h_title, h_heading, h_para, h_item, h_ref, h_end};
