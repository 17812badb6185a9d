// Import: upload an export as multipart (streamed by the server), with the
// upload's progress, then the import report.
import { api, el, $, showError, clearErrors, renderValue } from './app.js';

const form = $('#upload');
const bar = $('#progress');
const barText = $('#progress-text');

function report(r) {
	if (!r || typeof r !== 'object') return [renderValue(r)];
	const out = [];
	// nights, naps, first and last are the store's after the import (as in
	// 'import' of the CLI: "Nights with device sleep: N (first to last), K new").
	const added = (r.nights ?? 0) - (r.nights_before ?? 0);
	const plural = (k, w) => `${k} ${w}${k === 1 ? '' : 's'}`;
	out.push(el('p', { class: 'big' }, `${r.dry_run ? 'Would import' : 'Imported'} ${plural(added, 'night')}.`));
	if (r.nights) out.push(el('p', {}, `Nights with device sleep in your diary: ${r.nights}, from ${r.first} to ${r.last}${r.naps ? `; ${plural(r.naps, 'nap')}` : ''}.`));
	if (r.counts && r.counts.length) out.push(el('h3', {}, 'Records'), renderValue(r.counts));
	if (r.info && r.info.length) out.push(el('h3', {}, 'Notes'), el('ul', {}, r.info.map((i) => el('li', {}, typeof i === 'string' ? i : i.text || i.message || JSON.stringify(i)))));
	if (!r.dry_run) out.push(el('p', {}, el('a', { href: '/diary' }, 'See them in your diary')));
	return out;
}

form.addEventListener('submit', async (ev) => {
	ev.preventDefault();
	clearErrors(form);
	const file = $('#file').files[0];
	if (!file) return showError(form, { field: 'file', message: 'Choose the file to import.' });
	const data = new FormData();
	const map = ['start', 'end', 'stage', 'source'].map((k) => [k, form.elements[`map_${k}`].value.trim()]).filter(([, v]) => v);
	if (map.length) data.append('map', map.map(([k, v]) => `${k}=${v}`).join(','));
	for (const k of ['source', 'tz']) if (form.elements[k].value.trim()) data.append(k, form.elements[k].value.trim());
	if (form.elements.dry_run.checked) data.append('dry_run', '1');
	data.append('file', file, file.name);
	const button = form.querySelector('button[type="submit"]');
	button.disabled = true;
	$('#report').dataset.done = '0';
	$('#report').replaceChildren(el('p', {}, 'Importing…'));
	try {
		const r = await api('POST', '/api/import', data, {
			onProgress: (done, total) => {
				const pc = total ? Math.round((100 * done) / total) : 0;
				bar.value = pc;
				barText.textContent = `${pc} % of ${Math.max(1, Math.round(total / 1024))} KB sent`;
			},
		});
		bar.value = 100;
		barText.textContent = 'Sent; read by mgsleep';
		$('#report').replaceChildren(...report(r));
		$('#report-h').focus();
	} catch (e) {
		bar.value = 0;
		barText.textContent = 'Not imported';
		$('#report').replaceChildren(el('p', {}, 'Nothing was imported.'));
		showError(form, e);
	} finally {
		button.disabled = false;
		$('#report').dataset.done = '1';
	}
});
