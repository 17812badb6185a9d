// Trial: plan (design, power, calendar, .ics), progress, adverse events with
// pause and resume, and the analysis with the report's charts (SVG images
// served by the program).
import { api, el, $, showError, clearErrors, announce, renderValue, today, formObject } from './app.js';
import { doseWords, tonightOf } from './tonight.js';

// The report's charts (GET /api/report, src/report/report_charts.c): its
// figures, parsed as an inert document (no script runs), stripped of
// anything but drawing and text, and styled by app.css (.report-charts).
async function reportCharts() {
	const html = await api('GET', '/api/report');
	// Its stylesheet and style attributes go before parsing: the parsed
	// document has this page's CSP, which (rightly) refuses inline styles.
	const text = (typeof html === 'string' ? html : '').replace(/<style[\s\S]*?<\/style>/gi, '').replace(/\sstyle\s*=\s*("[^"]*"|'[^']*')/gi, '');
	const doc = new DOMParser().parseFromString(text, 'text/html');
	const figures = [...doc.querySelectorAll('figure')].filter((f) => f.querySelector('svg'));
	for (const f of figures) {
		for (const bad of f.querySelectorAll('script, style, foreignObject, iframe, object, embed, a, image, use')) bad.remove();
		for (const n of f.querySelectorAll('*')) {
			for (const at of [...n.attributes]) if (/^on/i.test(at.name) || /href$/i.test(at.name) || at.name === 'style') n.removeAttribute(at.name);
		}
	}
	return figures.map((f) => document.importNode(f, true));
}

function drawNow(t) {
	if (!t || !t.tonight) {
		return [el('p', {}, 'No trial yet. Plan one below; you need about 12 weeks or more, and a diary each morning.')];
	}
	const out = [];
	out.push(...tonightOf(t));
	if (t.tonight.paused) out.push(el('p', {}, el('strong', {}, 'Paused. '), 'Resume below when you are ready.'));
	const progress = t.progress || t.adherence;
	if (progress) out.push(el('h3', {}, 'Progress'), renderValue(progress));
	return out.length ? out : [renderValue(t)];
}

const OUTCOMES = { sol: 'minutes to fall asleep', tst: 'time asleep', se: 'sleep efficiency', waso: 'minutes awake in the night', awakenings: 'times woken', quality: 'sleep quality', isi: 'Insomnia Severity Index' };

function drawPlan(t) {
	// The stored trial with the library's periods (GET /api/trial).
	const p = t;
	if (!p || !p.periods || !p.periods.length) return [];
	const end = p.periods[p.periods.length - 1].end;
	const dose = { elemental_mg: p.elemental_mg, compound_mg: p.compound_mg, form: p.form };
	const out = [el('p', {}, `${p.pairs} pairs of ${p.period_days}-night periods, one with magnesium and one without in each pair, in random order, from ${p.start} to ${end}. `,
		`The first ${p.washout} nights of each period are left out, while the effect of the change settles. Measured: ${OUTCOMES[p.outcome] || p.outcome}${p.unit ? ` (${p.unit})` : ''}.`)];
	if (dose.elemental_mg) out.push(el('p', {}, `With magnesium: ${doseWords(dose)} each evening.`));
	if (p.power && typeof p.power.chance === 'number') {
		out.push(el('h3', {}, 'Can it tell?'), el('p', {}, `If magnesium helps you as much as the studies suggest, the chance that this trial shows it is about ${Math.round(p.power.chance * 100)} % (from ${p.power.simulations || 'many'} simulated trials).`,
			p.power.diary_used ? '' : ' Your diary was too short to use; the estimate uses typical night-to-night variation.'));
	}
	out.push(el('h3', {}, 'Calendar'), el('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': 'Calendar, scrolls sideways' }, el('table', {},
		el('caption', {}, 'Periods, with the evenings they start and end'),
		el('thead', {}, el('tr', {}, ['Period', 'Pair', 'From', 'To', 'Magnesium?', 'Counted from'].map((h) => el('th', { scope: 'col' }, h)))),
		el('tbody', {}, p.periods.map((x) => el('tr', {}, el('th', { scope: 'row' }, x.period), el('td', {}, x.pair), el('td', {}, x.start), el('td', {}, x.end),
			el('td', {}, x.arm === 'magnesium' ? 'Yes, magnesium' : 'No, none'), el('td', {}, x.analysed_from || x.start)))))));
	out.push(el('p', {}, el('a', { class: 'button secondary', href: '/api/trial/ics', download: 'mgsleep-trial.ics' }, 'Download the calendar (.ics)'),
		' for your phone or computer calendar.'));
	return out;
}

function drawAnalysis(a, charts) {
	if (!a) return [el('p', {}, 'The analysis appears once the trial has nights to compare.')];
	const out = [];
	if (a.conclusion_text) out.push(el('p', { class: 'lead' }, el('strong', {}, a.conclusion_text)));
	if (charts.length) out.push(el('div', { class: 'report-charts' }, charts));
	const rest = { ...a };
	delete rest.conclusion_text;
	out.push(el('details', {}, el('summary', {}, 'All the numbers'), renderValue(rest)));
	out.push(el('p', {}, 'Information, not medical advice: talk to your doctor before changing a treatment.'));
	return out;
}

async function refresh() {
	let t = null;
	try { t = await api('GET', `/api/trial?date=${today()}`); } catch { /* none yet */ }
	$('#now').replaceChildren(...drawNow(t));
	$('#plan').replaceChildren(...drawPlan(t));
	try {
		const a = await api('GET', '/api/trial/analysis');
		$('#analysis').replaceChildren(...drawAnalysis(a, await reportCharts().catch(() => [])));
	} catch (e) {
		$('#analysis').replaceChildren(el('p', {}, e.status === 404 ? 'The analysis appears once you have a trial with nights to compare.' : e.message));
	}
}

async function plan(replace) {
	const form = $('#plan-form');
	clearErrors(form);
	$('#plan-conflict').hidden = true;
	const body = formObject(form);
	for (const k of ['pairs', 'period_days', 'washout', 'baseline_days']) if (body[k] !== undefined) body[k] = Number(body[k]);
	if (replace) body.replace = true;
	try {
		await api('POST', '/api/trial/plan', body);
		announce($('#status'), 'Your trial is planned. Tonight\'s instruction is on the Today page.');
		await refresh();
		$('#plan-h').setAttribute('tabindex', '-1');
		$('#plan-h').focus();
	} catch (e) {
		if (e.status === 409) { $('#plan-conflict').hidden = false; $('#plan-replace').focus(); } else showError(form, e);
	}
}

$('#plan-form').addEventListener('submit', (e) => { e.preventDefault(); plan(false); });
$('#plan-replace').addEventListener('click', () => plan(true));
$('#event').addEventListener('submit', async (e) => {
	e.preventDefault();
	const form = $('#event');
	clearErrors(form);
	try {
		const r = await api('POST', '/api/trial/event', formObject(form));
		announce($('#status'), (r && r.text) || 'Recorded.');
		form.reset();
		$('#event-date').value = today();
		refresh();
	} catch (err) { showError(form, err); }
});
$('#resume').addEventListener('click', async () => {
	try {
		const r = await api('POST', '/api/trial/resume', { date: today() });
		announce($('#status'), (r && r.text) || 'The trial continues.');
		refresh();
	} catch (err) { announce($('#status'), err.message, 'error'); }
});
$('#start').value = today();
$('#event-date').value = today();
refresh();
