// Share: plain links to the report, exports and backup, which the server
// sends as downloads. A link this version of the server does not serve yet
// (docs/web-api.md, "Not yet served") is replaced by a sentence saying so,
// so that nobody downloads an error message.
const link = document.getElementById('report-link');
if (link) link.setAttribute('target', '_blank');

for (const a of document.querySelectorAll('main a[href^="/api/"]')) {
	const ctrl = new AbortController();
	fetch(a.getAttribute('href'), { signal: ctrl.signal, headers: { Accept: '*/*' } }).then((r) => {
		ctrl.abort(); // the headers say enough
		if (r.ok) return;
		const note = document.createElement('span');
		note.className = 'muted';
		note.textContent = `${a.textContent}: not available from the browser in this version of mgsleep.`;
		a.replaceWith(note);
	}).catch(() => {});
}
