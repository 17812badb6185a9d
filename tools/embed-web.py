#!/usr/bin/env python3
"""Embed the web app's files (web/) into a C source for src/net/web_assets.h.

usage: embed-web.py WEBDIR OUTPUT.c FILE...

A page (web/pages/NAME.html) is its body only, after one first line
<!-- title: TITLE; script: NAME -->; it is laid out in web/layout.html (one of
the FILEs), whose {{title}}, {{script}} and {{body}} it fills, and the page's
own link in the navigation gets aria-current="page".

Every FILE (under WEBDIR) becomes a const byte array; the table of URL paths
is sorted so that mg_web_asset can bsearch it. web/pages/index.html is "/",
web/pages/NAME.html is "/NAME", web/static/X is "/static/X". The build fails
(exit 1, one line) on a file the CSP would break: a page without exactly one
{{csrf-token}} meta, an inline script or style, an event-handler attribute,
or an external URL in any file.
"""
import os
import re
import sys

TYPES = {
    '.html': 'text/html; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.svg': 'image/svg+xml',
    '.png': 'image/png',
    '.ico': 'image/x-icon',
    '.json': 'application/json',
    '.txt': 'text/plain; charset=utf-8',
}
META = b'<meta name="csrf-token" content="{{csrf-token}}">'
# The SVG and XHTML namespaces are names, not fetched URLs.
NAMESPACES = (b'http://www.w3.org/2000/svg', b'http://www.w3.org/1999/xhtml', b'http://www.w3.org/1999/xlink')


def fail(rel, msg):
    sys.stderr.write('embed-web: %s: %s\n' % (rel, msg))
    sys.exit(1)


def url_path(rel):
    parts = rel.split('/')
    if parts[0] == 'pages' and len(parts) == 2 and parts[1].endswith('.html'):
        name = parts[1][:-5]
        return '/' if name == 'index' else '/' + name
    if parts[0] == 'static' and len(parts) >= 2:
        return '/' + rel
    fail(rel, 'not under pages/ (NAME.html) or static/')


def check(rel, data, is_page):
    text = data
    for ns in NAMESPACES:
        text = text.replace(ns, b'')
    m = re.search(rb'(https?:)?//[A-Za-z0-9-]+\.[A-Za-z0-9.-]+', text)
    if m and (b'http' in m.group(0) or rel.endswith(('.html', '.css'))):
        # "//" in JS comments is fine; an address with a host is not.
        line = text[:m.start()].count(b'\n') + 1
        fail(rel, 'line %d: external URL (the CSP allows only this server)' % line)
    if rel.endswith('.css') and re.search(rb'@import|url\(\s*["\']?https?:', data):
        fail(rel, 'external stylesheet import')
    if not is_page:
        return
    if data.count(b'{{csrf-token}}') != 1 or data.count(META) != 1:
        fail(rel, 'a page needs {{csrf-token}} exactly once, in ' + META.decode())
    for m in re.finditer(rb'<script\b([^>]*)>', data, re.I):
        if not re.search(rb'\bsrc\s*=', m.group(1)):
            fail(rel, 'inline <script> (the CSP forbids it): use a file under static/')
    if re.search(rb'<style\b', data, re.I):
        fail(rel, 'inline <style> (the CSP forbids it): use static/app.css')
    if re.search(rb'\sstyle\s*=', data, re.I):
        fail(rel, 'style attribute (the CSP forbids it): use a class')
    if re.search(rb'\son[a-z]+\s*=', data, re.I):
        fail(rel, 'event-handler attribute (the CSP forbids it): use addEventListener')


def lay_out(rel, path, body, layout):
    m = re.match(rb'<!--\s*title:\s*([^;]+?)\s*;\s*script:\s*([a-z0-9-]+)\s*-->\n', body)
    if not m:
        fail(rel, 'first line must be <!-- title: TITLE; script: NAME -->')
    link = b'<a href="' + path.encode() + b'">'
    if layout.count(link) != 1:
        fail(rel, 'no navigation link to ' + path + ' in layout.html')
    page = layout.replace(link, link[:-1] + b' aria-current="page">')
    page = page.replace(b'{{title}}', m.group(1)).replace(b'{{script}}', m.group(2))
    return page.replace(b'{{body}}', body[m.end():].rstrip(b'\n'))


def main():
    if len(sys.argv) < 3:
        sys.stderr.write('usage: embed-web.py WEBDIR OUTPUT.c FILE...\n')
        return 2
    webdir, out, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    assets = []
    layout = [f for f in files if os.path.basename(f) == 'layout.html']
    if len(layout) != 1:
        fail('layout.html', 'exactly one layout.html must be given')
    with open(layout[0], 'rb') as fh:
        layout = fh.read()
    files = [f for f in files if os.path.basename(f) != 'layout.html']
    for f in files:
        rel = os.path.relpath(os.path.abspath(f), os.path.abspath(webdir)).replace(os.sep, '/')
        ext = os.path.splitext(rel)[1]
        if ext not in TYPES:
            fail(rel, 'unknown file type (known: %s)' % ' '.join(sorted(TYPES)))
        with open(f, 'rb') as fh:
            data = fh.read()
        path = url_path(rel)
        if rel.startswith('pages/'):
            data = lay_out(rel, path, data, layout)
        check(rel, data, rel.startswith('pages/'))
        assets.append((path.encode(), rel, data, TYPES[ext], rel.startswith('pages/')))
    assets.sort(key=lambda a: a[0])  # bytewise, as strcmp compares
    for a, b in zip(assets, assets[1:]):
        if a[0] == b[0]:
            fail(b[1], 'two files have the URL path ' + a[0].decode())
    o = ['/* Generated by tools/embed-web.py from web/: do not edit. */',
         '#include "web_assets.h"', '#include <mgsleep/error.h>', '#include <stdlib.h>', '#include <string.h>', '']
    for i, (_, rel, data, _, _) in enumerate(assets):
        o.append('/* %s */' % rel)
        o.append('static const unsigned char asset%d[%d] = {' % (i, max(len(data), 1)))
        for k in range(0, len(data), 20):
            o.append('\t' + ','.join(str(b) for b in data[k:k + 20]) + ',')
        o.append('};')
    o += ['', 'struct asset {', '\tconst char *path;', '\tconst unsigned char *data;', '\tsize_t len;',
          '\tconst char *type;', '\tint page;', '};', '',
          'static const struct asset assets[%d] = {' % max(len(assets), 1)]
    for i, (path, _, data, ctype, page) in enumerate(assets):
        o.append('\t{"%s", asset%d, %d, "%s", %d},' % (path.decode(), i, len(data), ctype, int(page)))
    o += ['};', '',
          'static int cmp(const void *key, const void *elem)', '{',
          '\treturn strcmp(key, ((const struct asset *)elem)->path);', '}', '',
          'static const struct asset *find(const char *path)', '{',
          '\treturn path ? bsearch(path, assets, %d, sizeof assets[0], cmp) : NULL;' % len(assets), '}', '',
          'int mg_web_asset(const char *path, const unsigned char **data, size_t *len, const char **content_type)',
          '{', '\tconst struct asset *a = find(path);', '', '\tif (!a)', '\t\treturn MG_ENODATA;',
          '\tif (data)', '\t\t*data = a->data;', '\tif (len)', '\t\t*len = a->len;',
          '\tif (content_type)', '\t\t*content_type = a->type;', '\treturn 0;', '}', '',
          'int mg_web_asset_is_page(const char *path)', '{', '\tconst struct asset *a = find(path);', '',
          '\treturn a && a->page;', '}', '']
    tmp = out + '.tmp'
    with open(tmp, 'w') as fh:
        fh.write('\n'.join(o))
    os.replace(tmp, out)
    return 0


if __name__ == '__main__':
    sys.exit(main())
