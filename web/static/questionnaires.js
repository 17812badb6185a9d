// Questionnaires: ISI and PSQI (the items of src/core/questionnaire.c, the
// published wording), their scores (computed by the server) and history;
// the diet quiz (items from the knowledge base, through the API), food
// search and log.
import { api, el, $, showError, clearErrors, announce, renderValue, today, valueOf } from './app.js';

const ISI = [
	['Difficulty falling asleep', ['None', 'Mild', 'Moderate', 'Severe', 'Very severe']],
	['Difficulty staying asleep', ['None', 'Mild', 'Moderate', 'Severe', 'Very severe']],
	['Problems waking up too early', ['None', 'Mild', 'Moderate', 'Severe', 'Very severe']],
	['How satisfied/dissatisfied are you with your current sleep pattern?', ['Very satisfied', 'Satisfied', 'Moderately satisfied', 'Dissatisfied', 'Very dissatisfied']],
	['How noticeable to others do you think your sleep problem is in terms of impairing the quality of your life?', ['Not at all noticeable', 'A little', 'Somewhat', 'Much', 'Very much noticeable']],
	['How worried/distressed are you about your current sleep problem?', ['Not at all worried', 'A little', 'Somewhat', 'Much', 'Very much worried']],
	['To what extent do you consider your sleep problem to interfere with your daily functioning (e.g. daytime fatigue, mood, ability to function at work/daily chores, concentration, memory, mood, etc.) currently?', ['Not at all interfering', 'A little', 'Somewhat', 'Much', 'Very much interfering']],
];
const FREQ = ['Not during the past month', 'Less than once a week', 'Once or twice a week', 'Three or more times a week'];
const Q5 = (id, what) => [id, `During the past month, how often have you had trouble sleeping because you ${what}?`, FREQ];
const PSQI = [
	['bedtime', 'During the past month, what time have you usually gone to bed at night?', 'time'],
	['sleep_latency_min', 'During the past month, how long (in minutes) has it usually taken you to fall asleep each night?', 'minutes'],
	['rise_time', 'During the past month, what time have you usually gotten up in the morning?', 'time'],
	['sleep_hours', 'During the past month, how many hours of actual sleep did you get at night? (This may be different than the number of hours you spent in bed.)', 'hours'],
	Q5('q5a', 'cannot get to sleep within 30 minutes'), Q5('q5b', 'wake up in the middle of the night or early morning'),
	Q5('q5c', 'have to get up to use the bathroom'), Q5('q5d', 'cannot breathe comfortably'), Q5('q5e', 'cough or snore loudly'),
	Q5('q5f', 'feel too cold'), Q5('q5g', 'feel too hot'), Q5('q5h', 'had bad dreams'), Q5('q5i', 'have pain'),
	['q5j_reason', 'Other reason(s) for trouble sleeping during the past month, please describe (leave empty if none)', 'text'],
	['q5j', 'How often during the past month have you had trouble sleeping because of this?', FREQ, true],
	['sleep_quality', 'During the past month, how would you rate your sleep quality overall?', ['Very good', 'Fairly good', 'Fairly bad', 'Very bad']],
	['sleep_medication', 'During the past month, how often have you taken medicine to help you sleep (prescribed or "over the counter")?', FREQ],
	['trouble_staying_awake', 'During the past month, how often have you had trouble staying awake while driving, eating meals, or engaging in social activity?', FREQ],
	['enthusiasm', 'During the past month, how much of a problem has it been for you to keep up enough enthusiasm to get things done?', ['No problem at all', 'Only a very slight problem', 'Somewhat of a problem', 'A very big problem']],
];

const choice = (name, text, anchors, number) => el('fieldset', {},
	el('legend', {}, number ? `${number}. ${text}` : text),
	el('div', { class: 'choices stack' }, anchors.map((a, v) => el('label', {}, el('input', { type: 'radio', name, value: String(v) }), ` ${v} ${a}`))));

function dateField(id) {
	return el('div', { class: 'field' }, el('label', { for: id }, 'Day you answered'), el('input', { type: 'date', id, name: 'date', value: today() }));
}

function buildIsi() {
	$('#isi').replaceChildren(...ISI.map(([t, a], i) => choice(`item${i + 1}`, t, a, i + 1)), dateField('isi-date'),
		el('div', { class: 'actions' }, el('button', { type: 'submit' }, 'Score it')));
}

function buildPsqi() {
	const kids = PSQI.map(([id, text, kind], i) => {
		const num = i < 4 ? String(i + 1) : id.startsWith('q5') ? `5${id[2]}` : String(i - 9);
		if (Array.isArray(kind)) return choice(id, text, kind, num);
		const input = kind === 'time' ? el('input', { type: 'text', id: `psqi-${id}`, name: id, inputmode: 'numeric', placeholder: 'HH:MM', 'data-clock': '' })
			: kind === 'text' ? el('input', { type: 'text', id: `psqi-${id}`, name: id })
				: el('div', { class: 'unit' }, el('input', { type: 'number', id: `psqi-${id}`, name: id, min: '0', max: kind === 'hours' ? '24' : '1440', step: kind === 'hours' ? '0.25' : '1', inputmode: 'decimal' }), el('span', {}, kind));
		return el('div', { class: 'field' }, el('label', { for: `psqi-${id}` }, `${num}. ${text}`), input);
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
		if (kind === 'isi') body.answers = ISI.map((_, i) => (form.elements[`item${i + 1}`].value === '' ? null : Number(form.elements[`item${i + 1}`].value)));
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

buildIsi();
buildPsqi();
submitter('isi');
submitter('psqi', PSQI.map((p) => p[0]));
history('isi');
history('psqi');
buildQuiz();
foodList();
