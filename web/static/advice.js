// Advice: the profile form (the fields of `mgsleep profile set`), medicines
// with the normaliser's suggestions as you type, and the full cited advice.
import { api, el, $, showError, clearErrors, announce, renderValue } from './app.js';

const form = $('#profile');
const input = $('#med-input');
const list = $('#med-list');
const meds = [];
let active = -1, timer = 0;

function drawMeds() {
	$('#meds').replaceChildren(...meds.map((m, i) => el('li', {}, el('span', {}, m), ' ',
		el('button', { type: 'button', class: 'secondary', 'data-i': i, 'aria-label': `Remove ${m}` }, 'Remove'))));
	$('#medicines').value = JSON.stringify(meds);
}

function addMed(name) {
	name = name.trim();
	if (name && !meds.includes(name)) meds.push(name);
	input.value = '';
	closeList();
	drawMeds();
}

function closeList() {
	list.hidden = true;
	input.setAttribute('aria-expanded', 'false');
	input.removeAttribute('aria-activedescendant');
	active = -1;
}

function mark(i) {
	const items = [...list.children];
	active = (i + items.length) % items.length;
	items.forEach((li, k) => li.setAttribute('aria-selected', k === active ? 'true' : 'false'));
	input.setAttribute('aria-activedescendant', items[active].id);
}

async function suggest() {
	const q = input.value.trim();
	if (q.length < 2) return closeList();
	try {
		// What the normaliser recognises in the text, and its closest known
		// name when a part is not recognised.
		const r = await api('GET', `/api/medicines/suggest?q=${encodeURIComponent(q)}`);
		const names = [...new Set([...(r.recognised || []), ...(r.suggestion ? [r.suggestion] : [])])].slice(0, 8);
		if (!names.length || input.value.trim() !== q) return closeList();
		list.replaceChildren(...names.map((name, i) => el('li', { role: 'option', id: `med-opt-${i}`, 'aria-selected': 'false', 'data-name': name }, name)));
		list.hidden = false;
		input.setAttribute('aria-expanded', 'true');
	} catch { closeList(); }
}

input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(suggest, 150); });
input.addEventListener('keydown', (e) => {
	const open = !list.hidden && list.children.length;
	if (e.key === 'ArrowDown' && open) { e.preventDefault(); mark(active + 1); }
	else if (e.key === 'ArrowUp' && open) { e.preventDefault(); mark(active - 1); }
	else if (e.key === 'Escape') closeList();
	else if (e.key === 'Enter') {
		e.preventDefault();
		addMed(open && active >= 0 ? list.children[active].dataset.name : input.value);
	}
});
input.addEventListener('blur', () => setTimeout(closeList, 200));
list.addEventListener('mousedown', (e) => { const li = e.target.closest('li'); if (li) { e.preventDefault(); addMed(li.dataset.name); } });
$('#meds').addEventListener('click', (e) => {
	const b = e.target.closest('button[data-i]');
	if (!b) return;
	meds.splice(Number(b.dataset.i), 1);
	drawMeds();
	input.focus();
});

const LISTS = ['conditions', 'symptoms'];
const BOOLS = ['pregnant', 'breastfeeding', 'dialysis'];
const NUMS = ['age', 'height', 'egfr', 'crcl', 'supplement_mg', 'diet_mg', 'isi'];

function fill(p) {
	for (const [k, v] of Object.entries(p || {})) {
		const f = form.elements[k];
		if (!f || k === 'medicines') continue;
		if (BOOLS.includes(k)) f.checked = !!v;
		else if (LISTS.includes(k)) f.value = (v || []).join(', ');
		else if (v !== null) f.value = v;
	}
	meds.splice(0, meds.length, ...((p && p.medicines) || []));
	drawMeds();
}

// The profile JSON of docs/profile-schema.md.
function profile() {
	const p = {};
	for (const k of ['sex', 'weight', 'creatinine', 'jurisdiction', 'prefer_form']) if (form.elements[k].value.trim()) p[k] = form.elements[k].value.trim();
	for (const k of NUMS) if (form.elements[k].value.trim() !== '') p[k] = Number(form.elements[k].value);
	if (p.weight && /^\d+(\.\d+)?$/.test(p.weight)) p.weight = Number(p.weight);
	for (const k of BOOLS) if (form.elements[k].checked) p[k] = true;
	for (const k of LISTS) p[k] = form.elements[k].value.split(',').map((s) => s.trim()).filter(Boolean);
	p.medicines = [...meds];
	return p;
}

const refs = (r) => (r && r.length ? el('span', { class: 'cite' }, ` [${r.join(', ')}]`) : '');
const items = (title, arr, text = (x) => x.text || x.advice) => (arr && arr.length
	? [el('h3', {}, title), el('ul', {}, arr.map((x) => el('li', {}, x.stage ? el('strong', {}, `${x.stage}: `) : '', text(x) || '', refs(x.refs))))] : []);

function drawAdvice(a) {
	if (!a || typeof a !== 'object') return [el('p', {}, 'No advice yet: fill in the form above and save.')];
	const out = [el('p', { class: 'big' }, a.verdict_text || '')];
	if (a.dose) {
		out.push(el('h3', {}, 'Dose and timing'), el('p', {}, a.dose.text ? `${a.dose.text}.` : ''), el('p', {}, a.dose.timing || ''),
			el('p', {}, a.dose.form_reason || '', ' ', a.dose.dose_reason || '', refs(a.dose.refs)));
		if (a.dose.limit_mg) out.push(el('p', {}, `Safety limit for supplements: ${a.dose.limit_mg} mg a day (${a.dose.limit_body || ''}).`));
	}
	if (a.insomnia) out.push(el('h3', {}, 'Your insomnia score'), el('p', {}, a.insomnia.text || '', refs(a.insomnia.refs)));
	out.push(...items('First steps', a.first_steps), ...items('Warnings', a.warnings), ...items('Your medicines', a.interactions),
		...items('When to see someone', a.referrals), ...items('Checks', a.monitoring), ...items('What to expect', a.expected_outcomes),
		...items('Common mistakes', a.pitfalls));
	if (a.unrecognised_medicines && a.unrecognised_medicines.length) out.push(el('p', {}, 'Not recognised: ', a.unrecognised_medicines.map((m) => m.input || m).join(', '), '. Ask a pharmacist about them.'));
	if (a.references && a.references.length) {
		out.push(el('h3', {}, 'Sources'), el('ol', {}, a.references.map((r) => el('li', {}, `${r.id}: ${r.citation}`, r.status && r.status !== 'verified' ? ` (${r.status})` : ''))));
	}
	out.push(el('p', {}, el('strong', {}, a.disclaimer || 'This is information, not medical advice.')));
	return out;
}

async function loadAdvice() {
	try {
		$('#advice').replaceChildren(...drawAdvice(await api('GET', '/api/advice')));
	} catch (e) {
		$('#advice').replaceChildren(e.status === 404 ? el('p', {}, 'No advice yet: fill in the form above and save.') : renderValue(e.message));
	}
}

form.addEventListener('submit', async (e) => {
	e.preventDefault();
	clearErrors(form);
	try {
		await api('PUT', '/api/profile', profile());
		announce($('#status'), 'Saved. The advice below is updated.');
		await loadAdvice();
		$('#advice-h').setAttribute('tabindex', '-1');
		$('#advice-h').focus();
	} catch (err) {
		showError(form, err);
	}
});

api('GET', '/api/profile').then(fill).catch(() => {});
loadAdvice();
