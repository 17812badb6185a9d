// Tonight's instruction, shared by the Today and Trial pages. Display only:
// the periods and tonight's phase, period and dose come from the server
// (GET /api/trial?date=: the library's mg_trial_tonight, as
// 'mgsleep trial today'); nothing here computes a calendar.
import { el } from './app.js';

// A dose as words: the advice's (with its own text and timing) or the
// trial's planned dose ({elemental_mg, compound_mg, form, name}).
export function doseWords(d) {
	if (!d) return 'your magnesium';
	if (d.text) return `${d.text}. ${d.timing || ''}`.trim();
	const what = d.name || d.form;
	return d.elemental_mg ? `${d.elemental_mg} mg elemental magnesium${what ? ` (${d.compound_mg ? `${d.compound_mg} mg ` : ''}${what})` : ''}` : 'your magnesium';
}

// The trial's answer for this evening (t.tonight) in words.
export function tonightOf(t) {
	const n = t && t.tonight;
	if (!n) return [el('p', {}, 'Tonight\'s instruction is not available.')];
	switch (n.phase) {
	case 'before':
		return [el('p', { class: 'big' }, `Your trial starts on the evening of ${n.first_evening}. Nothing to take for it yet.`)];
	case 'baseline':
		return [el('p', { class: 'big' }, 'Tonight: take no magnesium, and keep logging.'),
			el('p', {}, `Baseline night ${n.baseline_night} of ${n.baseline_days}, before the trial's periods.`)];
	case 'paused':
		return [el('p', { class: 'big' }, 'Your trial is paused: take no magnesium for it tonight.'),
			el('p', {}, `Paused since ${n.paused_since}. Talk to a clinician before restarting; then resume it on the Trial page.`)];
	case 'ended':
		return [el('p', {}, `Your trial ended on the evening of ${n.last_evening}: see whether it helped below.`)];
	default: {
		const out = [el('p', { class: 'big' }, n.magnesium ? `Tonight: take ${doseWords(n.dose)} at bedtime.` : 'Tonight: take no magnesium.'),
			el('p', {}, `Period ${n.period} of ${n.periods} (pair ${n.pair}), night ${n.night} of ${n.period_days}, as planned.`)];
		if (n.washout) out.push(el('p', {}, 'A washout night: keep to the plan and log it; it is not analysed.'));
		if (n.isi_tomorrow) out.push(el('p', {}, 'The last evening of the period: fill in the ISI tomorrow morning (on the Questionnaires page).'));
		return out;
	}
	}
}
