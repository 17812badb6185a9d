// Tonight's instruction, shared by the Today and Trial pages.
import { el } from './app.js';

// A dose as words: the advice's (with its own text and timing) or the
// trial's planned dose.
export function doseWords(d) {
	if (!d) return 'your magnesium';
	if (d.text) return `${d.text}. ${d.timing || ''}`.trim();
	return d.elemental_mg ? `${d.elemental_mg} mg elemental magnesium${d.form ? ` (${d.compound_mg ? `${d.compound_mg} mg ` : ''}${d.form})` : ''}` : 'your magnesium';
}

const addDays = (iso, n) => {
	const d = new Date(`${iso}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
};

// The plan as 'trial plan --format json' shows it (periods, dose, end),
// from the trial as GET /api/trial stores it (start, period_days, order):
// period k runs period_days evenings from start + k * period_days, the
// baseline the baseline_days evenings before start (src/core/trial_run.c).
export function planOf(t) {
	if (!t || t.periods || !Array.isArray(t.order)) return t;
	const n = t.period_days;
	const periods = t.order.map((arm, k) => ({
		period: k + 1, pair: Math.floor(k / 2) + 1, start: addDays(t.start, k * n), end: addDays(t.start, (k + 1) * n - 1),
		arm: arm === 'mg' ? 'magnesium' : 'none', analysed_from: addDays(t.start, k * n + (t.washout || 0)),
	}));
	return {
		...t, periods, end: periods.length ? periods[periods.length - 1].end : t.start,
		baseline: t.baseline_days ? { start: addDays(t.start, -t.baseline_days), end: addDays(t.start, -1) } : null,
		dose: t.dose || { elemental_mg: t.elemental_mg, compound_mg: t.compound_mg, form: t.form },
	};
}

// Tonight's arm: the planned period holding this evening (the server's
// "tonight" when it gives one, which also knows about pauses).
export function tonightOf(t, day) {
	t = planOf(t);
	if (t.status === 'paused') return [el('p', { class: 'big' }, 'Your trial is paused: no magnesium for it tonight.'), el('p', {}, 'Resume it on the Trial page when you are ready.')];
	if (t.tonight) return [el('p', { class: 'big' }, typeof t.tonight === 'string' ? t.tonight : t.tonight.text || t.tonight.instruction || '')];
	const p = (t.periods || []).find((x) => x.start <= day && day <= x.end);
	if (!p) {
		const first = t.baseline ? t.baseline.start : t.start;
		if (t.baseline && t.baseline.start <= day && day <= t.baseline.end) return [el('p', { class: 'big' }, 'Tonight: take no magnesium, and keep logging (the nights before the trial).')];
		if (first && day < first) return [el('p', { class: 'big' }, `Your trial starts on the evening of ${first}. Nothing to take for it yet.`)];
		return [el('p', {}, 'Your trial\'s planned periods are over: see whether it helped below.')];
	}
	return [el('p', { class: 'big' }, p.arm === 'magnesium' ? `Tonight: take ${doseWords(t.dose)}.` : 'Tonight: take no magnesium.'),
		el('p', {}, `Period ${p.period} of ${t.periods.length} (pair ${p.pair}), ${p.start} to ${p.end}, as planned.`)];
}

