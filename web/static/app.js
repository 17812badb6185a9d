// Shared by every page: the API client (CSRF header, JSON errors), form
// errors next to their fields, and small DOM helpers. No framework: pages
// import what they need. Values from the server are always set as text,
// never as HTML.

export const csrf = () => document.querySelector('meta[name="csrf-token"]').content;

export class ApiError extends Error {
	constructor(status, field, message) {
		super(message);
		this.status = status;
		this.field = field || '';
	}
}

// One request: JSON in and out, or FormData for uploads (with progress
// through XHR, which fetch cannot report). Writes carry X-CSRF-Token.
export function api(method, path, body, { onProgress } = {}) {
	return new Promise((resolve, reject) => {
		const xhr = new XMLHttpRequest();
		xhr.open(method, path);
		xhr.setRequestHeader('Accept', 'application/json');
		if (method !== 'GET' && method !== 'HEAD') xhr.setRequestHeader('X-CSRF-Token', csrf());
		let payload = null;
		if (body instanceof FormData || body instanceof Blob) payload = body;
		else if (body !== undefined) {
			xhr.setRequestHeader('Content-Type', 'application/json');
			payload = JSON.stringify(body);
		}
		if (onProgress) xhr.upload.addEventListener('progress', (e) => onProgress(e.loaded, e.lengthComputable ? e.total : 0));
		xhr.addEventListener('load', () => {
			const type = xhr.getResponseHeader('Content-Type') || '';
			let data = xhr.responseText;
			if (type.includes('json')) {
				try { data = data ? JSON.parse(data) : null; } catch { data = null; }
			}
			if (xhr.status >= 200 && xhr.status < 300) return resolve(data);
			const e = data && data.error;
			// An endpoint this server does not have (docs/web-api.md, "Not yet served").
			if (xhr.status === 404 && e && e.field === 'path') return reject(new ApiError(404, '', 'This version of mgsleep cannot do this from the browser yet.'));
			reject(new ApiError(xhr.status, e && e.field, (e && e.message) || statusWords(xhr.status)));
		});
		xhr.addEventListener('error', () => reject(new ApiError(0, '', 'The mgsleep program did not answer. Is it still running?')));
		xhr.send(payload);
	});
}

function statusWords(status) {
	if (status === 403) return 'This page has expired: reload it and try again.';
	if (status === 404) return 'Not found.';
	if (status === 413) return 'That is too large.';
	return `The request failed (HTTP ${status}).`;
}

// el('p', {class: 'x'}, 'text', child): text children are text nodes.
export function el(tag, attrs = {}, ...kids) {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === false || v === null || v === undefined) continue;
		if (k === 'text') e.textContent = v;
		else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
		else e.setAttribute(k, v === true ? '' : v);
	}
	for (const k of kids.flat()) if (k !== null && k !== undefined && k !== false) e.append(k instanceof Node ? k : String(k));
	return e;
}

export const $ = (sel, root = document) => root.querySelector(sel);

// "7 h 25 min" from minutes.
export function hm(min) {
	if (min === null || min === undefined || Number.isNaN(Number(min))) return '–';
	const m = Math.round(Number(min));
	return m >= 60 ? `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min` : `${m} min`;
}

// A server field ("--try-sleep", "try-sleep", "mg_elemental", "item3") to the
// input's name in the form.
function fieldInput(form, field) {
	if (!field) return null;
	const name = field.replace(/^--/, '').replace(/-/g, '_');
	// Profile flags are singular (--condition), its JSON keys plural.
	for (const n of [name, field, `${name}s`]) {
		const i = form.querySelector(`[name="${CSS.escape(n)}"]:not([type="hidden"])`);
		if (i) return i;
	}
	return null;
}

export function clearErrors(form) {
	for (const e of form.querySelectorAll('.error[data-for]')) {
		const input = form.querySelector(`[name="${CSS.escape(e.dataset.for)}"]`);
		if (input) {
			input.removeAttribute('aria-invalid');
			const ids = (input.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && x !== e.id);
			if (ids.length) input.setAttribute('aria-describedby', ids.join(' '));
			else input.removeAttribute('aria-describedby');
		}
		e.remove();
	}
	const s = form.querySelector('.summary.errors');
	if (s) s.remove();
}

// Show the server's message next to the field it names (or above the form
// when it names none), tie it with aria-describedby and move focus there.
export function showError(form, err) {
	clearErrors(form);
	const input = fieldInput(form, err.field);
	if (input) {
		const name = input.name;
		const id = `err-${form.id || 'f'}-${name}`;
		const msg = el('p', { class: 'error', id, 'data-for': name }, err.message);
		const anchor = input.closest('.field, fieldset') || input;
		if (input.type === 'radio' || input.type === 'checkbox') anchor.append(msg);
		else anchor.insertBefore(msg, input.closest('.unit') ? input.closest('.unit').nextSibling : input.nextSibling);
		for (const i of form.querySelectorAll(`[name="${CSS.escape(name)}"]`)) {
			i.setAttribute('aria-invalid', 'true');
			const ids = (i.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
			i.setAttribute('aria-describedby', [...ids, id].join(' '));
		}
		input.focus();
		return;
	}
	const summary = el('div', { class: 'summary errors', tabindex: '-1', role: 'alert' },
		el('h2', {}, 'Not saved'), el('p', {}, err.message));
	form.prepend(summary);
	summary.focus();
}

// A live region that says what happened ("Saved").
export function announce(container, text, kind = 'notice') {
	let n = container.querySelector(':scope > .live');
	if (!n) {
		n = el('div', { class: 'live', role: 'status' });
		container.prepend(n);
	}
	n.replaceChildren(text ? el('p', { class: kind }, text) : '');
	return n;
}

// An input's trimmed value; a clock time typed on a phone's number pad
// ("2230", "22.30") becomes the HH:MM the server reads.
export function valueOf(input) {
	const v = (input.value ?? '').trim();
	return input.dataset && input.dataset.clock !== undefined ? v.replace(/^(\d{1,2})[.h ]?(\d{2})$/, '$1:$2') : v;
}

// The non-empty values of a form as an object; repeated names (checkboxes)
// become arrays when the input says data-array.
export function formObject(form) {
	const out = {};
	for (const input of form.elements) {
		if (!input.name || input.disabled || input.type === 'submit' || input.type === 'button') continue;
		if ((input.type === 'checkbox' || input.type === 'radio') && !input.checked) continue;
		const v = input.type === 'checkbox' && input.dataset.array === undefined ? true : valueOf(input);
		if (v === '') continue;
		if (input.dataset.array !== undefined) (out[input.name] ||= []).push(v);
		else out[input.name] = v;
	}
	return out;
}

// Any JSON value as readable markup: objects as term/description lists,
// arrays of objects as tables, keys in words ("sol_min" -> "sol min").
export function renderValue(v, depth = 0) {
	if (v === null || v === undefined) return el('span', { class: 'muted' }, '–');
	if (typeof v !== 'object') return document.createTextNode(typeof v === 'number' ? fmtNum(v) : String(v));
	if (Array.isArray(v)) {
		if (!v.length) return el('span', { class: 'muted' }, 'none');
		if (v.every((x) => x && typeof x === 'object' && !Array.isArray(x))) {
			const keys = [...new Set(v.flatMap((x) => Object.keys(x)))].filter((k) => v.some((x) => typeof x[k] !== 'object' || x[k] === null));
			return el('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': 'Table, scrolls sideways' }, el('table', {},
				el('thead', {}, el('tr', {}, keys.map((k) => el('th', { scope: 'col' }, words(k))))),
				el('tbody', {}, v.map((x) => el('tr', {}, keys.map((k) => el('td', {}, renderValue(x[k], depth + 1))))))));
		}
		return el('ul', {}, v.map((x) => el('li', {}, renderValue(x, depth + 1))));
	}
	if (depth > 4) return document.createTextNode('…');
	return el('dl', { class: 'kv' }, Object.entries(v).flatMap(([k, x]) => [el('dt', {}, words(k)), el('dd', {}, renderValue(x, depth + 1))]));
}

const words = (k) => k.replace(/_/g, ' ');
export const fmtNum = (x) => (Number.isInteger(x) ? String(x) : x.toFixed(1));

// Local date as YYYY-MM-DD (the diary's dates are the person's mornings).
export function today(offsetDays = 0) {
	const d = new Date();
	d.setDate(d.getDate() + offsetDays);
	return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

// The nights of GET /api/nights, oldest first, each with its device nights
// ({nights, device_nights}) as "device": [...], as 'diary --format json'
// shows them; dates only a device saw become nights without an entry.
export function nightList(data) {
	const byDate = new Map();
	for (const n of Array.isArray(data) ? data : (data && data.nights) || []) byDate.set(n.date, { ...n });
	for (const d of (data && data.device_nights) || []) {
		if (!byDate.has(d.date)) byDate.set(d.date, { date: d.date });
		const n = byDate.get(d.date);
		(n.device ||= []).push(d);
	}
	return [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}
