#!/bin/sh
# tools/embed-web.py (src/net/web_assets.h): the build refuses a page that the
# server's Content-Security-Policy would break, or that lacks the one CSRF
# meta tag the server fills (issue 14); a good set of files becomes a table
# sorted by URL path, as mg_web_asset's bsearch needs.
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"

embed=$PWD/tools/embed-web.py
w=$tmp/web
mkdir -p "$w/pages" "$w/static"
cat >"$w/layout.html" <<'HTML'
<!doctype html><html lang="en"><head><meta name="csrf-token" content="{{csrf-token}}"><title>{{title}}</title>
<script type="module" src="/static/{{script}}.js"></script></head>
<body><nav><a href="/">Today</a><a href="/diary">Diary</a></nav><main>{{body}}</main></body></html>
HTML
printf '// nothing\n' >"$w/static/today.js"
printf 'body { color: #000; }\n' >"$w/static/app.css"
printf '<svg xmlns="http://www.w3.org/2000/svg"/>\n' >"$w/static/i.svg"

page() { # page NAME BODY: a page file with the required first line
	printf '<!-- title: T; script: today -->\n%s\n' "$2" >"$w/pages/$1.html"
}
run() { python3 "$embed" "$w" "$tmp/out.c" "$w/layout.html" "$@" >"$tmp/out" 2>"$tmp/err"; }
refused() { # refused BODY WHAT: the build stops, naming the page and WHAT
	page diary "$1"
	run "$w/pages/diary.html"
	st=$?
	ok "$([ $st -eq 1 ] && grep -q "pages/diary.html" "$tmp/err" && grep -q "$2" "$tmp/err"; echo $?)" "refused: $2"
}

page index '<h1>x</h1>'
page diary '<h1>y</h1>'
run "$w/pages/index.html" "$w/pages/diary.html" "$w/static/today.js" "$w/static/app.css" "$w/static/i.svg"
ok $? "a good set of files is embedded (the SVG namespace is not an external URL)"
# strcmp order: "/" < "/diary" < "/static/app.css" < "/static/i.svg" < "/static/today.js"
grep -o '^	{"[^"]*"' "$tmp/out.c" | tr -d '\t{"' >"$tmp/paths"
printf '/\n/diary\n/static/app.css\n/static/i.svg\n/static/today.js\n' >"$tmp/want"
check "the table is sorted by URL path" cmp "$tmp/paths" "$tmp/want"
# The bytes of pages/diary.html, back from the C array.
python3 -c '
import re, sys
src = open(sys.argv[1]).read()
m = re.search(r"/\* pages/diary.html \*/\nstatic const unsigned char asset\d+\[\d+\] = \{([^}]*)\}", src)
sys.stdout.write(bytes(int(x) for x in m.group(1).replace("\n", "").split(",") if x.strip()).decode())
' "$tmp/out.c" >"$tmp/diary.html"
check "the page is laid out, its own link marked aria-current" grep -q '<a href="/diary" aria-current="page">Diary</a>' "$tmp/diary.html"
check "the other links are not" grep -q '<a href="/">Today</a>' "$tmp/diary.html"
check "the body is in main" grep -q '<main><h1>y</h1></main>' "$tmp/diary.html"

refused '<script>alert(1)</script>' "inline <script>"
refused '<style>p{}</style>' "inline <style>"
refused '<p style="color:red">x</p>' "style attribute"
refused '<button onclick="x()">x</button>' "event-handler attribute"
refused '<img src="https://cdn.example.com/a.png" alt="">' "external URL"
refused '<link rel="stylesheet" href="//cdn.example.com/a.css">' "external URL"
refused '<p>{{csrf-token}}</p>' "exactly once"
printf '<h1>no first line</h1>\n' >"$w/pages/nohead.html"
run "$w/pages/nohead.html"
ok "$([ $? -eq 1 ] && grep -q 'first line' "$tmp/err"; echo $?)" "refused: a page without its title/script line"
rm -f "$w/pages/nohead.html"
page nolink '<h1>z</h1>'
run "$w/pages/nolink.html"
ok "$([ $? -eq 1 ] && grep -q 'no navigation link' "$tmp/err"; echo $?)" "refused: a page the navigation does not link to"
rm -f "$w/pages/nolink.html"
printf '@import url("https://fonts.example.com/x.css");\n' >"$w/static/ext.css"
run "$w/static/ext.css"
ok "$([ $? -eq 1 ] && grep -q 'static/ext.css' "$tmp/err"; echo $?)" "refused: a stylesheet importing an external one"
rm -f "$w/static/ext.css"
printf 'x' >"$w/static/a.exe"
run "$w/static/a.exe"
ok "$([ $? -eq 1 ] && grep -q 'unknown file type' "$tmp/err"; echo $?)" "refused: an unknown file type"
finish
