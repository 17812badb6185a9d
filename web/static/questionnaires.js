// Questionnaires: ISI and PSQI (their published wording from the server,
// GET /api/questionnaires: src/core/questionnaire.c, the one copy), their
// scores (computed by the server) and history; the diet quiz (items from the
// knowledge base, through the API), food search and log.
import { api, el, $, showError, clearErrors, announce, renderValue, today, valueOf } from './app.js';

const choice = (name, text, anchors, number) => el('fieldset', {},
	el('legend', {}, number ? `${number}. ${text}` : text),
	el('div', { class: 'choices stack' }, anchors.map((a, v) => el('label', {}, el('input', { type: 'radio', name, value: String(v) }), ` ${v} ${a}`))));

function dateField(id) {
	return el('div', { class: 'field' }, el('label', { for: id }, 'Day you answered'), el('input', { type: 'date', id, name: 'date', value: today() }));
}

function buildIsi(isi) {
	$('#isi-instructions').textContent = isi.instructions;
	$('#isi').replaceChildren(...isi.items.map((it) => choice(it.key, it.text, it.anchors, it.number)), dateField('isi-date'),
		el('div', { class: 'actions' }, el('button', { type: 'submit' }, 'Score it')));
}

function buildPsqi(psqi) {
	$('#psqi-instructions').textContent = psqi.instructions;
	const kids = psqi.items.map(({ key, number, text, kind, anchors }) => {
		if (kind === 'choice') return choice(key, text, anchors, number);
		const id = `psqi-${key}`;
		const input = kind === 'time' ? el('input', { type: 'text', id, name: key, inputmode: 'numeric', placeholder: 'HH:MM', 'data-clock': '' })
			: kind === 'text' ? el('input', { type: 'text', id, name: key })
				: el('div', { class: 'unit' }, el('input', { type: 'number', id, name: key, min: '0', max: kind === 'hours' ? '24' : '1440', step: kind === 'hours' ? '0.25' : '1', inputmode: 'decimal' }), el('span', {}, kind));
		return el('div', { class: 'field' }, el('label', { for: id }, `${number}. ${text}`), input);
	});
	$('#psqi').replaceChildren(...kids, dateField('psqi-date'), el('div', { class: 'actions' }, el('button', { type: 'submit' }, 'Score it')));
}

function answersOf(form, ids) {
	const out = {};
	for (const id of ids) {
		const f = form.elements[id];
		const v = f && valueOf(f);
		if (v !== undefined && v !== '') out[id] = /^\d+(\.\d+)?$/.test(v) && !v.includes(':') ? Number(v) : v;
	}
	return out;
}

function scoreWords(r) {
	if (!r || typeof r !== 'object') return renderValue(r);
	// ISI: total 0 to 28 and its category; PSQI: global 0 to 21, over 5 a
	// "poor sleeper" (the server's words and numbers).
	const isi = r.total !== undefined;
	const total = isi ? r.total : r.global;
	const words = isi ? (r.category ? `: ${r.category} insomnia`.replace('none insomnia', 'no clinically significant insomnia') : '')
		: r.poor_sleeper === true ? ': a poor sleeper by this index (over 5)' : r.poor_sleeper === false ? ': a good sleeper by this index (5 or less)' : '';
	return el('div', { class: 'notice', tabindex: '-1' }, `Score ${total} of ${isi ? 28 : 21}${words}.`, r.text ? ` ${r.text}` : '');
}

async function history(kind) {
	try {
		const h = await api('GET', `/api/${kind}`);
		const list = Array.isArray(h) ? h : (h && h.history) || [];
		$(`#${kind}-history`).replaceChildren(list.length ? renderValue(list) : el('p', {}, 'None yet.'));
	} catch (e) {
		$(`#${kind}-history`).replaceChildren(el('p', {}, e.status === 404 ? 'None yet.' : e.message));
	}
}

function submitter(kind, ids) {
	const form = $(`#${kind}`);
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		clearErrors(form);
		const body = { date: form.elements.date.value };
		if (kind === 'isi') body.answers = ids.map((k) => (form.elements[k].value === '' ? null : Number(form.elements[k].value)));
		else body.answers = answersOf(form, ids);
		try {
			const r = await api('POST', `/api/${kind}`, body);
			$(`#${kind}-result`).replaceChildren(scoreWords(r));
			$(`#${kind}-result .notice`)?.focus();
			history(kind);
		} catch (e) {
			showError(form, e);
		}
	});
}

// The diet quiz: questions and answer words from the knowledge base.
async function buildQuiz() {
	const form = $('#quiz');
	try {
		const q = await api('GET', '/api/diet/quiz');
		const freq = (q.frequencies || []).map((f) => f.label || f);
		form.replaceChildren(...(q.items || []).map((it, i) => el('div', { class: 'field' },
			el('label', { for: `quiz-${i}` }, it.question || it.label || it.name),
			el('select', { id: `quiz-${i}`, name: `q${i}` }, el('option', { value: '' }, 'Choose'), freq.map((f, v) => el('option', { value: String(v) }, f))))),
		el('div', { class: 'actions' }, el('button', { type: 'submit' }, 'Estimate my magnesium')));
	} catch (e) {
		form.replaceChildren(el('p', {}, e.status === 404 ? 'The diet quiz is not available from this version.' : e.message));
	}
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		clearErrors(form);
		const answers = [...form.querySelectorAll('select')].map((s) => (s.value === '' ? null : Number(s.value)));
		try {
			const r = await api('POST', '/api/diet/quiz', { answers, date: today() });
			$('#quiz-result').replaceChildren(el('div', { class: 'notice', tabindex: '-1' },
				r && r.mg_per_day !== undefined ? `About ${Math.round(r.mg_per_day)} mg of magnesium a day from these foods (a floor, not a total).` : renderValue(r)));
			$('#quiz-result .notice').focus();
		} catch (e) { showError(form, e); }
	});
}

async function foodList() {
	try {
		const l = await api('GET', '/api/food');
		const list = Array.isArray(l) ? l : (l && l.foods) || [];
		$('#food-list').replaceChildren(list.length ? renderValue(list) : el('p', {}, 'None yet.'));
	} catch (e) {
		$('#food-list').replaceChildren(el('p', {}, e.message));
	}
}

$('#food-search').addEventListener('submit', async (ev) => {
	ev.preventDefault();
	const q = $('#food-q').value.trim();
	if (!q) return;
	try {
		const r = await api('GET', `/api/foods?q=${encodeURIComponent(q)}`);
		const list = Array.isArray(r) ? r : (r && r.foods) || [];
		$('#food-results').replaceChildren(list.length ? el('ul', {}, list.map((f) => el('li', {},
			`${f.description || f.name} — ${f.mg_per_100g ?? '?'} mg magnesium per 100 g `,
			el('button', { type: 'button', class: 'secondary', 'data-id': f.ndb ?? f.id, 'data-name': f.description || f.name }, 'Log this')))) : el('p', {}, 'No food found.'));
	} catch (e) {
		$('#food-results').replaceChildren(el('p', {}, e.message));
	}
});
$('#food-results').addEventListener('click', (ev) => {
	const b = ev.target.closest('button[data-id]');
	if (!b) return;
	$('#food-log').hidden = false;
	$('#food-id').value = b.dataset.id;
	$('#food-chosen').textContent = b.dataset.name;
	$('#food-date').value = today();
	$('#food-amount').focus();
});
$('#food-log').addEventListener('submit', async (ev) => {
	ev.preventDefault();
	const form = $('#food-log');
	clearErrors(form);
	try {
		await api('POST', '/api/food', { food: $('#food-id').value, amount: $('#food-amount').value.trim(), date: $('#food-date').value });
		announce($('#food-status'), 'Logged.');
		form.hidden = true;
		foodList();
	} catch (e) { showError(form, e); }
});

try {
	const q = await api('GET', '/api/questionnaires');
	buildIsi(q.isi);
	buildPsqi(q.psqi);
	submitter('isi', q.isi.items.map((it) => it.key));
	submitter('psqi', q.psqi.items.map((it) => it.key));
} catch (e) {
	for (const k of ['isi', 'psqi']) $(`#${k}`).replaceChildren(el('p', {}, `The questions could not be loaded: ${e.message}`));
}
history('isi');
history('psqi');
buildQuiz();
foodList();
