// Diary: the nights with their metrics (computed by the server: TST, SE...),
// device nights beside them, edit (on the Today form) and delete; weekly
// means from the server's summary; a bar chart of hours asleep.
import { api, el, $, hm, fmtNum, nightList, renderValue, announce, today } from './app.js';

const SVG = 'http://www.w3.org/2000/svg';
const svg = (tag, attrs = {}, ...kids) => {
	const e = document.createElementNS(SVG, tag);
	for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
	for (const k of kids) e.append(k);
	return e;
};

const pct = (x) => (x === null || x === undefined ? '–' : `${fmtNum(Number(x))} %`);

function mgWords(n) {
	const m = (n.entry || {}).magnesium;
	if (m && typeof m === 'object') return `${fmtNum(Number(m.elemental_mg))} mg${m.form ? ` ${m.form}` : ''}${m.time ? ` at ${m.time}` : ''}`;
	if (m === null) return 'none';
	return n.mg_elemental_mg ? `${fmtNum(Number(n.mg_elemental_mg))} mg` : 'not recorded';
}

function deviceRows(n) {
	return (n.device || []).map((d) => el('tr', { class: 'device' },
		el('td', {}, d.source || 'device'),
		el('td', { class: 'num' }, hm(d.tib)), el('td', { class: 'num' }, hm(d.tst)), el('td', { class: 'num' }, pct(d.se)),
		el('td', { class: 'num' }, hm(d.sol)), el('td', { class: 'num' }, hm(d.waso)), el('td', {}, '–'), el('td', {}, '–'),
		el('td', {}, 'from a device')));
}

function table(list) {
	if (!list.length) return el('p', {}, all ? 'No nights yet. ' : 'No nights in the last 90 days. ', el('a', { href: '/' }, 'Log this morning'), ' or ', el('a', { href: '/import' }, 'import a sleep tracker export'), '.');
	const head = ['Morning', 'In bed', 'Asleep', 'Sleep efficiency', 'To fall asleep', 'Awake in the night', 'Quality (1–5)', 'Magnesium', 'Change'];
	const rows = [];
	for (const n of [...list].reverse()) {
		if (n.entry) {
			const e = n.entry || {};
			rows.push(el('tr', {},
				el('th', { scope: 'row' }, n.date),
				el('td', { class: 'num' }, hm(n.tib)), el('td', { class: 'num' }, hm(n.tst)), el('td', { class: 'num' }, pct(n.se)),
				el('td', { class: 'num' }, hm(n.sol ?? e.sol_min)), el('td', { class: 'num' }, `${hm(n.waso ?? e.waso_min)}, ${e.awakenings ?? '–'}×`),
				el('td', { class: 'num' }, e.quality ?? '–'), el('td', {}, mgWords(n)),
				el('td', {}, el('a', { href: `/?date=${n.date}`, 'aria-label': `Edit the night of ${n.date}` }, 'Edit'), ' ',
					el('button', { type: 'button', class: 'danger', 'data-date': n.date, 'aria-label': `Delete the night of ${n.date}` }, 'Delete'))));
		} else rows.push(el('tr', {}, el('th', { scope: 'row' }, n.date), el('td', { colspan: '8' }, 'No diary entry'), el('td', {}, el('a', { href: `/?date=${n.date}`, 'aria-label': `Add the night of ${n.date}` }, 'Add'))));
		rows.push(...deviceRows(n));
	}
	return el('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': 'Nights, scrolls sideways' }, el('table', {},
		el('caption', {}, `${list.filter((n) => n.entry).length} nights in your diary, newest first`),
		el('thead', {}, el('tr', {}, head.map((h) => el('th', { scope: 'col' }, h)))),
		el('tbody', {}, rows)));
}

// Bars of hours asleep; the table above is the same data as text.
function chart(list) {
	const nights = list.filter((n) => n.entry && n.tst !== undefined && n.tst !== null).slice(-30);
	if (!nights.length) return [el('p', {}, 'The chart appears after your first night.')];
	const w = 640, h = 220, left = 34, bottom = 28, top = 10, maxH = 12;
	const bw = (w - left - 8) / Math.max(nights.length, 7);
	const y = (hours) => top + (h - top - bottom) * (1 - Math.min(hours, maxH) / maxH);
	const s = svg('svg', { viewBox: `0 0 ${w} ${h}`, class: 'chart', role: 'img', 'aria-labelledby': 'chart-title chart-desc' });
	s.append(svg('title', { id: 'chart-title' }, 'Hours asleep per night'));
	s.append(svg('desc', { id: 'chart-desc' }, nights.map((n) => `${n.date}: ${hm(n.tst)}`).join('; ')));
	for (let hr = 0; hr <= maxH; hr += 2) {
		s.append(svg('line', { x1: left, x2: w - 4, y1: y(hr), y2: y(hr) }));
		s.append(svg('text', { x: left - 6, y: y(hr) + 4, 'text-anchor': 'end', class: 'axis' }, `${hr} h`));
	}
	nights.forEach((n, i) => {
		const x = left + 4 + i * bw;
		s.append(svg('rect', { class: 'bar', x, y: y(n.tst / 60), width: Math.max(bw - 3, 2), height: y(0) - y(n.tst / 60) }));
		if (nights.length <= 10 || i % Math.ceil(nights.length / 8) === 0) s.append(svg('text', { x: x + bw / 2, y: h - 8, 'text-anchor': 'middle', class: 'axis' }, n.date.slice(5)));
	});
	return [s, el('figcaption', {}, 'Hours asleep by morning (month-day). The table below has the same numbers.')];
}

function weeks(data) {
	const list = (data && data.weeks) || [];
	if (!list.length) return el('p', {}, 'Weekly means appear after your first night.');
	return el('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': 'Weekly means, scrolls sideways' }, el('table', {},
		el('caption', {}, 'Means per week (Monday to Sunday)'),
		el('thead', {}, el('tr', {}, ['Week of', 'Nights', 'With magnesium', 'Asleep', 'Sleep efficiency', 'To fall asleep', 'Awake in the night', 'Quality (1–5)'].map((t) => el('th', { scope: 'col' }, t)))),
		el('tbody', {}, [...list].reverse().map((w) => el('tr', {}, el('th', { scope: 'row' }, w.week_of), el('td', { class: 'num' }, w.nights),
			el('td', { class: 'num' }, w.nights_mg ?? '–'), el('td', { class: 'num' }, hm(w.tst)), el('td', { class: 'num' }, pct(w.se)),
			el('td', { class: 'num' }, hm(w.sol)), el('td', { class: 'num' }, hm(w.waso)), el('td', { class: 'num' }, w.quality === null || w.quality === undefined ? '–' : fmtNum(Number(w.quality))))))));
}

// The last 90 mornings unless the person asks for every night (a store of
// years is a long table).
let all = false;

async function refresh() {
	try {
		const list = nightList(await api('GET', all ? '/api/nights' : `/api/nights?from=${today(-90)}`));
		$('#nights').replaceChildren(table(list), all ? '' : el('p', {}, el('button', { type: 'button', class: 'secondary', id: 'all' }, 'Show every night, not only the last 90 days')));
		$('#chart').replaceChildren(...chart(list));
	} catch (e) {
		$('#nights').replaceChildren(el('p', {}, e.message));
		$('#chart').replaceChildren();
	}
	try {
		$('#weeks').replaceChildren(weeks(await api('GET', '/api/summary')));
	} catch (e) {
		$('#weeks').replaceChildren(e.status === 404 ? el('p', {}, 'Weekly means are not available from this version.') : renderValue(e.message));
	}
}

$('#nights').addEventListener('click', async (ev) => {
	if (ev.target.id === 'all') {
		all = true;
		await refresh();
		$('#nights-h').setAttribute('tabindex', '-1');
		$('#nights-h').focus();
		return;
	}
	const b = ev.target.closest('button[data-date]');
	if (!b) return;
	const date = b.dataset.date;
	if (!window.confirm(`Delete the night of ${date}? It is kept in the audit table, as in the command line.`)) return;
	try {
		await api('DELETE', `/api/nights/${date}`);
		await refresh();
		announce($('#status'), `Deleted the night of ${date}.`);
		$('#nights-h').setAttribute('tabindex', '-1');
		$('#nights-h').focus();
	} catch (e) {
		announce($('#status'), e.message, 'error');
	}
});
refresh();
