// Today: tonight's instruction (the trial's, else the advice's dose and
// timing) and this morning's diary entry, prefilled from the last night.
import { api, el, $, hm, showError, clearErrors, formObject, today, fmtNum, nightList } from './app.js';
import { doseWords, tonightOf } from './tonight.js';

const form = $('#night');
// /?date=YYYY-MM-DD: edit that night (from the diary's Edit link).
const editing = /^\d{4}-\d{2}-\d{2}$/.test(new URLSearchParams(location.search).get('date') || '')
	? new URLSearchParams(location.search).get('date') : null;
const box = $('#tonight');

function instruction(trial, advice) {
	if (trial && trial.tonight) return [...tonightOf(trial), el('p', {}, el('a', { href: '/trial' }, 'Your trial'))];
	const d = advice && advice.dose;
	if (d && d.elemental_mg) {
		return [el('p', { class: 'big' }, doseWords(d)),
			el('p', {}, 'From your advice, not a trial. ', el('a', { href: '/advice' }, 'Read why'), ', or ', el('a', { href: '/trial' }, 'plan a trial'), ' to find out whether it helps you.')];
	}
	if (advice && advice.verdict_text) return [el('p', {}, advice.verdict_text), el('p', {}, el('a', { href: '/advice' }, 'Your advice'))];
	return [el('p', {}, 'No plan for tonight yet. ', el('a', { href: '/advice' }, 'Fill in your profile'), ' for advice, or ', el('a', { href: '/trial' }, 'plan a trial'), '.')];
}

async function showTonight() {
	const [trial, advice] = await Promise.all([api('GET', `/api/trial?date=${today()}`).catch(() => null), api('GET', '/api/advice').catch(() => null)]);
	box.replaceChildren(...instruction(trial && !trial.retired ? trial : null, advice));
}

// The stored entry uses sol_min/waso_min and a magnesium object; the form
// uses log's names.
function prefill(n) {
	const e = n.entry || n;
	const set = (name, v) => { if (v !== undefined && v !== null && form.elements[name]) form.elements[name].value = v; };
	set('bed', e.bed);
	if (e.try_sleep && e.try_sleep !== e.bed) set('try_sleep', e.try_sleep);
	set('final_wake', e.final_wake);
	set('out_of_bed', e.out_of_bed);
	set('sol', e.sol_min ?? e.sol);
	set('awakenings', e.awakenings);
	set('waso', e.waso_min ?? e.waso);
	const mg = e.magnesium;
	if (mg && typeof mg === 'object') {
		form.elements.mg_taken.value = 'yes';
		set('mg_form', mg.form);
		set('mg_elemental', mg.elemental_mg);
		set('mg_time', mg.time);
	} else if (mg === null) form.elements.mg_taken.value = 'no';
	showMg();
}

function showMg() {
	const none = form.elements.mg_taken.value === 'no';
	for (const i of $('#mg-details').querySelectorAll('input')) i.disabled = none;
	$('#mg-details').hidden = none;
}

async function loadDefaults() {
	form.elements.date.value = editing || today();
	try {
		// The night being edited, or the last month's to start from.
		const list = nightList(await api('GET', editing ? `/api/nights?from=${editing}&to=${editing}` : `/api/nights?from=${today(-31)}`));
		const last = editing ? list.find((n) => n.date === editing) : [...list].reverse().find((n) => n.entry || n.bed);
		if (last) prefill(last);
		if (editing && last) {
			const e = last.entry || last;
			if (e.quality) form.elements.quality.value = String(e.quality);
			if (e.comment) form.elements.comment.value = e.comment;
			for (const t of e.tags || []) { const c = form.querySelector(`[name="tag"][value="${CSS.escape(t)}"]`); if (c) c.checked = true; }
			if (e.nap_min) form.elements.nap.value = e.nap_min;
			$('#diary-h').textContent = `Edit the night of ${editing}`;
		}
	} catch { /* a new store: nothing to start from */ }
}

function body(replace) {
	const o = formObject(form);
	delete o.mg_taken;
	const taken = form.elements.mg_taken.value;
	if (taken === 'no') o.no_mg = true;
	if (taken === '' ) { delete o.mg_form; delete o.mg_elemental; delete o.mg_time; }
	if (o.nap && o.nap.every((v) => Number(v) === 0)) delete o.nap;
	if (replace) o.replace = true;
	return o;
}

async function save(replace) {
	clearErrors(form);
	$('#conflict').hidden = true;
	$('#saved').replaceChildren();
	const button = form.querySelector('button[type="submit"]');
	button.disabled = true;
	try {
		const res = await api('POST', '/api/nights', body(replace || !!editing));
		const m = (res && (res.metrics || res)) || {};
		$('#saved').replaceChildren(el('div', { class: 'notice', tabindex: '-1' },
			`Saved the night of ${form.elements.date.value}. `,
			m.tst !== undefined ? `Asleep ${hm(m.tst)}, ` : '',
			m.se !== undefined ? `sleep efficiency ${fmtNum(Number(m.se))} %. ` : '',
			el('a', { href: '/diary' }, 'See your diary')));
		$('#saved .notice').focus();
	} catch (e) {
		if (e.status === 409) {
			$('#conflict').hidden = false;
			$('#replace').focus();
		} else showError(form, e);
	} finally {
		button.disabled = false;
	}
}

form.addEventListener('submit', (ev) => { ev.preventDefault(); save(false); });
form.addEventListener('change', (ev) => { if (ev.target.name === 'mg_taken') showMg(); });
$('#replace').addEventListener('click', () => save(true));
$('#keep').addEventListener('click', () => { $('#conflict').hidden = true; form.querySelector('button[type="submit"]').focus(); });
showMg();
loadDefaults();
showTonight();
