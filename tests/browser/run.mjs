// Browser tests of `mgsleep web` (issue 14), TAP on stdout. Run by run.sh,
// which starts the server on a fresh store and passes its "Open ..." URL:
//   node run.mjs URL OUTDIR
// Env: UPDATE=1 rewrites the reference screenshots; MGSLEEP_IMPORT_FIXTURE
// (a file) enables the import case; MGSLEEP_IMPORT_SKIP says why it is off.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import pixelmatch from 'pixelmatch';

const here = path.dirname(fileURLToPath(import.meta.url));
const [openUrl, outDir] = process.argv.slice(2);
if (!openUrl || !outDir) {
	console.error('usage: node run.mjs URL OUTDIR');
	process.exit(2);
}
const origin = new URL(openUrl).origin;
const PAGES = ['/', '/diary', '/advice', '/trial', '/questionnaires', '/import', '/share'];
// The morning the browser pretends it is: fixed, so that the screenshots and
// the dates agree on every day the suite runs; in the past, because the
// server (on the real clock) refuses nights dated in the future.
const NOW = new Date('2025-03-12T07:30:00');
const MORNING = '2025-03-12';

let n = 0, failed = 0;
function ok(cond, name, diag) {
	n++;
	console.log(`${cond ? '' : 'not '}ok ${n} - ${name}`);
	if (!cond) {
		failed++;
		if (diag) console.log(String(diag).split('\n').map((l) => `# ${l}`).join('\n'));
	}
	return cond;
}
function skip(name, reason) {
	n++;
	console.log(`ok ${n} - ${name} # SKIP ${reason}`);
}

const profile = fs.mkdtempSync(path.join(outDir, 'chromium-'));
// A fresh --user-data-dir (Playwright passes it from userDataDir); without
// these flags Chromium tries the network, which is closed here.
const context = await chromium.launchPersistentContext(profile, {
	executablePath: '/usr/bin/chromium',
	headless: true,
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync',
		'--font-render-hinting=none', '--force-color-profile=srgb'],
	locale: 'en-GB', timezoneId: 'UTC', colorScheme: 'light', reducedMotion: 'reduce',
});
await context.clock.setFixedTime(NOW);
const axeSource = fs.readFileSync(path.join(here, 'node_modules/axe-core/axe.min.js'), 'utf8');

// The first request carries the token; the server moves it to a cookie.
const first = await context.newPage();
await first.goto(openUrl);
await first.close();

// A page, with its console errors (a CSP violation is one) and bytes.
async function open(p, width = 1280) {
	const page = await context.newPage();
	await page.setViewportSize({ width, height: 900 });
	const errors = [];
	let bytes = 0;
	// An API answer of 404 (no trial yet) is logged by Chromium too: expected.
	page.on('console', (m) => {
		if (m.type() === 'error' && !(m.text().startsWith('Failed to load resource') && (m.location().url || '').includes('/api/')))
			errors.push(m.text());
	});
	page.on('pageerror', (e) => errors.push(String(e)));
	page.on('response', async (r) => {
		try { bytes += Number(r.headers()['content-length']) || (await r.body()).length; } catch { /* redirects */ }
	});
	await page.goto(origin + p, { waitUntil: 'networkidle' });
	return { page, errors, bytes: () => bytes };
}

async function axe(page) {
	// Evaluated through the DevTools protocol: an inline <script> would
	// (rightly) be blocked by the page's CSP.
	await page.evaluate(axeSource);
	return page.evaluate(async () => {
		const r = await window.axe.run(document, { resultTypes: ['violations'] });
		return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
			.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((x) => x.target.join(' ')).join(', ')}`);
	});
}

async function tabTo(page, selector, max = 80) {
	for (let i = 0; i < max; i++) {
		await page.keyboard.press('Tab');
		if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), selector)) return true;
	}
	return false;
}

try {
	// 1. Every page: loads without a script or CSP error, zero serious or
	// critical axe violations, says "information, not medical advice".
	for (const p of PAGES) {
		const { page, errors } = await open(p);
		const v = await page.evaluate(() => document.readyState);
		const violations = await axe(page);
		ok(violations.length === 0, `${p}: no serious or critical accessibility violations (axe-core)`, violations.join('\n'));
		await page.emulateMedia({ colorScheme: 'dark' });
		const dark = await axe(page);
		ok(dark.length === 0, `${p}: none in the dark colour scheme either`, dark.join('\n'));
		await page.emulateMedia({ colorScheme: 'light' });
		ok(errors.length === 0, `${p}: no console or CSP errors`, errors.join('\n'));
		const text = (await page.textContent('body')).toLowerCase();
		ok(text.includes('information, not medical advice') && v === 'complete', `${p}: says "information, not medical advice"`);
		ok(await page.locator('main h1').count() === 1 && await page.locator('a.skip[href="#main"]').count() === 1, `${p}: one h1 in main and a skip link`);
		const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
			.filter((i) => !i.labels.length && !i.getAttribute('aria-label') && !i.getAttribute('aria-labelledby')).map((i) => i.name || i.id));
		ok(unlabelled.length === 0, `${p}: every input has a label`, unlabelled.join(', '));
		await page.setViewportSize({ width: 390, height: 844 });
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
		ok(overflow <= 0, `${p}: no sideways scrolling at 390 px`, `${overflow} px too wide`);
		await page.close();
	}

	// The trial planned by the CLI (run.sh): the Trial page's calendar is the
	// CLI's plan, and tonight's instruction agrees with 'trial today'.
	{
		const plan = JSON.parse(fs.readFileSync(process.env.MGSLEEP_PLAN_JSON, 'utf8'));
		const cli = fs.readFileSync(process.env.MGSLEEP_TONIGHT_TXT, 'utf8');
		const { page } = await open('/trial');
		const rows = await page.$$eval('#plan table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
		const want = plan.periods.map((p) => [String(p.period), String(p.pair), p.start, p.end, p.arm === 'magnesium' ? 'Yes, magnesium' : 'No, none', p.analysed_from]);
		ok(JSON.stringify(rows) === JSON.stringify(want), "trial: the page's calendar is the CLI's plan", `${JSON.stringify(rows)}\n${JSON.stringify(want)}`);
		const mg = /Tonight: take 250 mg elemental magnesium/.test(cli);
		const now = await page.textContent('#now');
		ok(mg && now.includes('Tonight: take 250 mg elemental magnesium') && now.includes('Period 2 of 4'), "trial: tonight's instruction agrees with 'mgsleep trial today' (period 2, magnesium)", `${cli}\n${now}`);
		await page.close();
		const today = await open('/');
		ok((await today.page.textContent('#tonight')).includes('Tonight: take 250 mg elemental magnesium'), "Today: tonight's instruction from the trial");
		await today.page.close();
	}

	// The ISI: answers 2,1,1,2,1,2,2 add up to 11, "subthreshold insomnia"
	// (8 to 14; Bastien et al. 2001, reference section 7.1).
	{
		const { page, errors } = await open('/questionnaires');
		for (const [i, v] of [2, 1, 1, 2, 1, 2, 2].entries()) await page.check(`#isi input[name="item${i + 1}"][value="${v}"]`);
		await page.fill('#isi-date', '2025-03-10');
		await page.click('#isi button[type="submit"]');
		await page.locator('#isi-result .notice').waitFor({ timeout: 5000 }).catch(() => {});
		const text = await page.textContent('#isi-result');
		ok(/Score 11\b/.test(text) && /subthreshold/.test(text), 'ISI: 2,1,1,2,1,2,2 scores 11, subthreshold', text);
		await page.locator('#isi-history table').waitFor({ timeout: 5000 }).catch(() => {});
		ok((await page.textContent('#isi-history')).includes('2025-03-10'), 'ISI: the score is in the history');
		// The diet quiz: nuts once a day, everything else never. kb/diet.json:
		// nuts 270 mg per 100 g, a 30 g serving, "once a day" = 1 a day:
		// 270 x 30 / 100 x 1 = 81 mg a day.
		const selects = page.locator('#quiz select');
		const nq = await selects.count();
		for (let i = 0; i < nq; i++) await selects.nth(i).selectOption(i === 0 ? { label: 'once a day' } : { label: 'never or rarely' });
		await page.click('#quiz button[type="submit"]');
		await page.locator('#quiz-result .notice').waitFor({ timeout: 5000 }).catch(() => {});
		const quiz = await page.textContent('#quiz-result');
		ok(nq === 13 && /About 81 mg of magnesium a day/.test(quiz), 'diet quiz: nuts once a day and nothing else is 81 mg a day (worked by hand from kb/diet.json)', `${nq} questions; ${quiz}`);
		ok(errors.length === 0, 'questionnaires: no console errors', errors.join('\n'));
		await page.close();
	}

	// Medicines as you type: "levothyr" is not a name, the normaliser
	// suggests levothyroxine; chosen with the arrow and Enter, saved, and the
	// advice then speaks of it (4 h apart: reference section 5, S29).
	{
		const { page, errors } = await open('/advice');
		await page.focus('#med-input');
		await page.keyboard.type('levothyr');
		const opt = page.locator('#med-list [role="option"]', { hasText: 'levothyroxine' });
		await opt.waitFor({ timeout: 5000 }).catch(() => {});
		ok(await opt.count() === 1 && await page.getAttribute('#med-input', 'aria-expanded') === 'true', 'advice: levothyroxine suggested as you type');
		await page.keyboard.press('ArrowDown');
		await page.keyboard.press('Enter');
		ok((await page.textContent('#meds')).includes('levothyroxine'), 'advice: chosen with the keyboard');
		await page.click('#profile button[type="submit"]');
		await page.locator('#status .notice').waitFor({ timeout: 5000 }).catch(() => {});
		const advice = await page.textContent('#advice');
		ok(/levothyroxine/i.test(advice) && /4 hours/.test(advice), 'advice: saved, and the advice tells levothyroxine and magnesium 4 hours apart', advice.slice(0, 400));
		ok(errors.length === 0, 'advice: no console errors', errors.join('\n'));
		await page.close();
	}

	// 2. The Today page and all its assets under 100 KB over the wire.
	{
		const { page, bytes } = await open('/');
		ok(bytes() < 100 * 1024, `Today page under 100 KB with its assets (${bytes()} bytes)`);
		await page.close();
	}

	// 3. A keyboard-only diary entry: Tab to each field, type, Enter.
	{
		const { page, errors } = await open('/');
		await page.keyboard.press('Tab');
		ok(await page.evaluate(() => document.activeElement.classList.contains('skip')), 'keyboard: the first Tab reaches the skip link');
		await page.keyboard.press('Enter');
		const typeAt = async (sel, keys) => {
			if (!(await tabTo(page, sel))) return false;
			await page.keyboard.type(keys);
			return true;
		};
		let reached = true;
		// The date: one step down from today in its first part (the day or
		// the month, by the browser's locale); whichever, not today.
		reached &&= await tabTo(page, '#date');
		await page.keyboard.press('ArrowDown');
		const date = await page.inputValue('#date');
		reached &&= await typeAt('#bed', '2300');
		reached &&= await typeAt('#final_wake', '0630');
		reached &&= await typeAt('#out_of_bed', '0650');
		reached &&= await typeAt('#sol', '25');
		reached &&= await typeAt('#awakenings', '1');
		reached &&= await typeAt('#waso', '10');
		reached &&= await tabTo(page, 'input[name="quality"]');
		await page.keyboard.press('ArrowRight'); // from nothing checked, the arrow selects
		await page.keyboard.press('Space');
		reached &&= await tabTo(page, 'input[name="mg_taken"]');
		reached &&= await tabTo(page, 'button[type="submit"]');
		await page.keyboard.press('Enter');
		ok(reached, 'keyboard: every diary field is reachable with Tab');
		const notice = page.locator('#saved .notice');
		await notice.waitFor({ timeout: 5000 }).catch(() => {});
		ok(date !== MORNING && await notice.count() === 1 && (await notice.textContent()).includes(date), `keyboard: the night of ${date} is saved and says so`,
			await page.locator('.error, .summary').allTextContents().then((t) => t.join('\n')));
		ok(await page.evaluate(() => document.activeElement.closest('#saved') !== null), 'keyboard: focus moves to the confirmation');
		// A bad value: the server's message next to the field, focus on it.
		await page.fill('#date', '2026-11-18');
		await page.fill('#sol', '');
		await page.focus('button[type="submit"]');
		await page.keyboard.press('Enter');
		const err = page.locator('#night .error');
		await err.first().waitFor({ timeout: 5000 }).catch(() => {});
		const tied = await page.evaluate(() => {
			const a = document.activeElement;
			const ids = (a.getAttribute('aria-describedby') || '').split(' ');
			return a.getAttribute('aria-invalid') === 'true' && ids.some((id) => document.getElementById(id)?.classList.contains('error'));
		});
		ok(await err.count() === 1 && tied, 'keyboard: a missing item is refused, its message tied to the field, focus on it',
			await err.allTextContents().then((t) => t.join('\n')));
		// And delete it again, from the diary, with the keyboard.
		page.on('dialog', (d) => d.accept());
		await page.goto(`${origin}/diary`, { waitUntil: 'networkidle' });
		const del = `button[aria-label="Delete the night of ${date}"]`;
		ok(await tabTo(page, del, 120), 'keyboard: the Delete button of that night is reachable with Tab');
		await page.keyboard.press('Enter');
		await page.locator('#status .notice').waitFor({ timeout: 5000 }).catch(() => {});
		ok(await page.locator(del).count() === 0 && (await page.textContent('#status')).includes(date), 'keyboard: deleted, and the page says so');
		ok(errors.length === 0, 'keyboard: no console errors', errors.join('\n'));
		await page.close();
	}

	// 4. A full morning: open, log the night, see it in the diary and the chart.
	{
		// The night before, through the API as the page would send it.
		const seed = await context.newPage();
		await seed.goto(`${origin}/share`);
		const st = await seed.evaluate(async () => (await fetch('/api/nights', {
			method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': document.querySelector('meta[name="csrf-token"]').content },
			body: JSON.stringify({ date: '2025-03-11', bed: '23:00', sol: '25', awakenings: '1', waso: '10', final_wake: '06:30', out_of_bed: '06:50', quality: '2', no_mg: true }),
		})).status);
		ok(st === 201, 'morning: the night before saved through the API (201)', st);
		await seed.close();
		const { page } = await open('/');
		ok(await page.inputValue('#date') === MORNING, 'morning: the date is today');
		ok(await page.inputValue('#bed') === '23:00', "morning: last night's answers are the defaults", await page.inputValue('#bed'));
		await page.fill('#bed', '22:40');
		await page.fill('#sol', '15');
		await page.fill('#waso', '20');
		await page.fill('#awakenings', '2');
		await page.check('input[name="quality"][value="4"]');
		await page.check('input[name="mg_taken"][value="yes"]');
		await page.fill('#mg_form', 'bisglycinate');
		await page.fill('#mg_elemental', '200');
		await page.fill('#mg_time', '21:00');
		await page.check('input[name="tag"][value="exercise"]');
		await page.click('button[type="submit"]');
		const notice = page.locator('#saved .notice');
		await notice.waitFor({ timeout: 5000 }).catch(() => {});
		ok(await notice.count() === 1, 'morning: saved', await page.locator('.error, .summary').allTextContents().then((t) => t.join('\n')));
		// The same morning again: a conflict, then Replace.
		await page.click('button[type="submit"]');
		await page.locator('#conflict:not([hidden])').waitFor({ timeout: 5000 }).catch(() => {});
		ok(await page.isVisible('#conflict'), 'morning: the same date again asks before replacing');
		await page.click('#replace');
		await page.locator('#saved .notice').waitFor({ timeout: 5000 }).catch(() => {});
		ok(await page.locator('#saved .notice').count() === 1, 'morning: replaced');
		await page.click('nav a[href="/diary"]');
		await page.waitForLoadState('networkidle');
		const row = page.locator('#nights tr', { hasText: MORNING });
		// 22:40 to 06:50 in bed = 490 min; asleep 490 - 15 - 20 - 20 (06:30 to 06:50) = 435 min = 7 h 15 min.
		ok(await row.count() >= 1 && (await row.first().textContent()).includes('7 h 15 min'), 'morning: the night is in the diary with 7 h 15 min asleep (worked by hand)',
			await page.locator('#nights').textContent());
		ok((await page.locator('#chart desc').textContent()).includes(`${MORNING}: 7 h 15 min`), 'morning: and in the chart');
		ok(await page.locator('#chart svg rect').count() === 2, 'morning: two bars for two nights');
		// Edit from the diary: the Today form with that night's answers.
		await page.click(`a[aria-label="Edit the night of ${MORNING}"]`);
		await page.waitForLoadState('networkidle');
		ok(await page.inputValue('#date') === MORNING && await page.inputValue('#bed') === '22:40' && await page.isChecked('input[name="quality"][value="4"]')
			&& await page.isChecked('input[name="tag"][value="exercise"]'), 'edit: the form holds the saved night');
		await page.check('input[name="quality"][value="5"]');
		await page.click('button[type="submit"]');
		await page.locator('#saved .notice').waitFor({ timeout: 5000 }).catch(() => {});
		ok(await page.locator('#saved .notice').count() === 1, 'edit: saved over the old answers without asking again');
		await page.close();
	}

	// 5. Import a real export.
	const fixture = process.env.MGSLEEP_IMPORT_FIXTURE;
	if (!fixture) skip('import: a real export', process.env.MGSLEEP_IMPORT_SKIP || 'no fixture');
	else {
		const { page, errors } = await open('/import');
		await page.setInputFiles('#file', fixture);
		await page.click('#upload button[type="submit"]');
		const report = page.locator('#report');
		await page.waitForFunction(() => document.querySelector('#report')?.dataset.done === '1', null, { timeout: 60000 }).catch(() => {});
		const text = await report.textContent();
		// The fixture holds one Oura sleep period, bedtime_end 2017-11-06T08:12:19+02:00:
		// one night, dated by its final awakening (docs/diary.md).
		ok(text.includes('Imported 1 night') && text.includes('2017-11-06') && !(await page.locator('#upload .error, #upload .summary').count()),
			`import: ${path.basename(fixture)} gives an import report of one night, 2017-11-06`, text);
		ok(await page.evaluate(() => document.querySelector('#progress').value) === 100, 'import: the progress bar reached 100 %');
		await page.click('#report a[href="/diary"]');
		await page.waitForLoadState('networkidle');
		ok(await page.locator('#nights tr', { hasText: '2017-11-06' }).count() === 0, 'diary: the last 90 days by default');
		await page.click('#all');
		await page.locator('#nights tr.device').first().waitFor({ timeout: 5000 }).catch(() => {});
		const dev = page.locator('#nights tr.device', { hasText: 'Oura' });
		ok(await dev.count() === 1 && (await page.locator('#nights tr', { hasText: '2017-11-06' }).count()) === 1, 'import: the Oura night is in the diary, under 2017-11-06');
		ok(errors.length === 0, 'import: no console errors', errors.join('\n'));
		await page.close();
	}

	// 6. Screenshots against the references, with a tolerance (fonts and
	// anti-aliasing differ a little between machines).
	const refDir = path.join(here, 'reference');
	fs.mkdirSync(refDir, { recursive: true });
	for (const width of [1280, 390]) {
		for (const [p, name] of [['/', 'today'], ['/diary', 'diary'], ['/questionnaires', 'questionnaires']]) {
			const { page } = await open(p, width);
			await page.evaluate(() => document.fonts.ready);
			const file = `${name}-${width}.png`;
			const shot = await page.screenshot({ fullPage: true, animations: 'disabled', caret: 'hide' });
			fs.writeFileSync(path.join(outDir, file), shot);
			const ref = path.join(refDir, file);
			if (process.env.UPDATE || !fs.existsSync(ref)) {
				fs.writeFileSync(ref, shot);
				ok(!!process.env.UPDATE, `screenshot ${file} written (UPDATE=1)`, 'no reference: run with UPDATE=1 and look at it');
			} else {
				const a = PNG.sync.read(fs.readFileSync(ref)), b = PNG.sync.read(shot);
				let ratio = 1;
				if (a.width === b.width && Math.abs(a.height - b.height) <= 0) {
					const diff = new PNG({ width: a.width, height: a.height });
					const px = pixelmatch(a.data, b.data, diff.data, a.width, a.height, { threshold: 0.2 });
					ratio = px / (a.width * a.height);
					fs.writeFileSync(path.join(outDir, `diff-${file}`), PNG.sync.write(diff));
				}
				ok(ratio <= 0.01, `screenshot ${file} matches the reference (${(ratio * 100).toFixed(2)} % of pixels differ; tolerance 1 %)`,
					`sizes ${a.width}x${a.height} and ${b.width}x${b.height}; see ${outDir}`);
			}
			await page.close();
		}
	}
	// After the screenshots, as it changes the trial: the report's charts on
	// the Trial page, then an adverse event pauses the trial (trial event).
	{
		const { page, errors } = await open('/trial');
		const titles = await page.$$eval('#analysis .report-charts svg.wide title', (t) => t.map((x) => x.textContent));
		ok(titles.includes('Sleep-onset latency by night'), "trial: the report's charts are on the page", titles.join(', '));
		await page.fill('#symptom', 'diarrhea');
		await page.click('#event button[type="submit"]');
		await page.locator('#status .notice').waitFor({ timeout: 5000 }).catch(() => {});
		ok(await page.locator('#status .notice').count() === 1 && !(await page.locator('#event .error, #event .summary').count()), 'trial: an adverse event is recorded',
			await page.textContent('main'));
		ok(errors.length === 0, 'trial: no console or CSP errors', errors.join('\n'));
		await page.close();
	}
	// 7. A CSV of no known layout, with its columns named on the Import page
	// (as 'import --map start=Begin,end=Finish,stage=Phase --source mywatch').
	// By hand: in bed 22:50-06:40 UTC = 470 min, asleep 23:00-06:30 = 450 min;
	// the night is dated by the morning, 2024-06-02 (before the 90 days the
	// diary shows by default, so the screenshots above are not touched).
	{
		const csv = path.join(outDir, 'mapped.csv');
		fs.writeFileSync(csv, 'Begin,Finish,Phase\n2024-06-01T22:50:00Z,2024-06-02T06:40:00Z,in bed\n2024-06-01T23:00:00Z,2024-06-02T06:30:00Z,asleep\n');
		const { page, errors } = await open('/import');
		const submit = async () => {
			await page.evaluate(() => { document.querySelector('#report').dataset.done = '0'; });
			await page.click('#upload button[type="submit"]');
			await page.waitForFunction(() => document.querySelector('#report')?.dataset.done === '1', null, { timeout: 30000 }).catch(() => {});
		};
		await page.setInputFiles('#file', csv);
		await page.fill('#map-start', 'Begin');
		await page.fill('#map-end', 'Nope');
		await submit();
		const summary = await page.locator('#upload .summary').textContent().catch(() => '');
		ok(summary.includes("map end: no column 'Nope' in the header") && summary.includes('mapped.csv'),
			'import CSV: a map naming no column of the file says which key and column, naming the file', summary);
		await page.fill('#map-end', 'Finish');
		await page.fill('#map-stage', 'Phase');
		await page.fill('#source', 'mywatch');
		await submit();
		const text = await page.locator('#report').textContent();
		ok(text.includes('Imported 1 night') && text.includes('2024-06-02') && !(await page.locator('#upload .error, #upload .summary').count()),
			'import CSV with a column map: one night, 2024-06-02', text);
		const dev = await page.evaluate(async () => (await (await fetch('/api/nights?from=2024-06-02&to=2024-06-02')).json()).device_nights);
		ok(dev.length === 1 && dev[0].source === 'mywatch' && dev[0].tib === 470 && dev[0].tst === 450,
			'import CSV: the night is from mywatch, 470 min in bed, 450 asleep (by hand)', JSON.stringify(dev));
		ok(errors.length === 0, 'import CSV: no console errors', errors.join('\n'));
		await page.close();
	}
	// 8. The PSQI, answered on the page. By hand from the component rules
	// (reference 7.2): quality "fairly good" C1 = 1; latency 20 min -> 1,
	// + Q5a 1 = 2 -> C2 = 1; 5.5 h asleep -> C3 = 2; in bed 22:30-06:30 =
	// 8 h, 5.5 / 8 = 68.75 % -> C4 = 2; Q5b-j 3+0+0+0+0+0+1+0 + Q5j 2 = 6 ->
	// C5 = 1; medicine less than once a week C6 = 1; Q8 0 + Q9 2 = 2 -> C7 = 1.
	// Global 1+1+2+2+1+1+1 = 9, over 5: a poor sleeper.
	{
		const { page, errors } = await open('/questionnaires');
		await page.fill('#psqi-bedtime', '22:30');
		await page.fill('#psqi-sleep_latency_min', '20');
		await page.fill('#psqi-rise_time', '06:30');
		await page.fill('#psqi-sleep_hours', '5.5');
		const choices = { q5a: 1, q5b: 3, q5c: 0, q5d: 0, q5e: 0, q5f: 0, q5g: 0, q5h: 1, q5i: 0, q5j: 2, sleep_quality: 1, sleep_medication: 1, trouble_staying_awake: 0, enthusiasm: 2 };
		for (const [k, v] of Object.entries(choices)) await page.check(`#psqi input[name="${k}"][value="${v}"]`);
		await page.fill('#psqi-q5j_reason', 'noise');
		await page.fill('#psqi-date', '2025-03-11');
		await page.click('#psqi button[type="submit"]');
		await page.locator('#psqi-result .notice').waitFor({ timeout: 5000 }).catch(() => {});
		const text = await page.textContent('#psqi-result');
		ok(/Score 9 of 21/.test(text) && /poor sleeper/.test(text), 'PSQI: the hand-scored answers give 9 of 21, a poor sleeper', text);
		await page.locator('#psqi-history table').waitFor({ timeout: 5000 }).catch(() => {});
		ok((await page.textContent('#psqi-history')).includes('2025-03-11'), 'PSQI: the score is in the history');
		ok(errors.length === 0, 'PSQI: no console errors', errors.join('\n'));
		await page.close();
	}

	// 9. Food search and log: almonds (USDA 12061) have 270 mg per 100 g
	// (the table; tests/cli/diet.sh), so 1 oz = 28.35 g gives 76.5 mg.
	{
		const { page, errors } = await open('/questionnaires');
		const have = await page.evaluate(async () => (await fetch('/api/foods?q=almonds')).status);
		if (have !== 200) {
			for (let i = 0; i < 4; i++) skip('food search and log', 'this build has no food table');
		} else {
			await page.fill('#food-q', 'almonds');
			await page.press('#food-q', 'Enter');
			const hit = page.locator('#food-results li', { hasText: 'Nuts, almonds — 270 mg magnesium per 100 g' });
			await hit.first().waitFor({ timeout: 5000 }).catch(() => {});
			ok(await hit.count() === 1, 'food: searching almonds finds Nuts, almonds at 270 mg per 100 g', await page.textContent('#food-results'));
			await hit.locator('button').click();
			ok(await page.isVisible('#food-log') && (await page.textContent('#food-chosen')) === 'Nuts, almonds', 'food: "Log this" opens the log form for it');
			await page.fill('#food-amount', '2 zzbowls');
			await page.click('#food-log button[type="submit"]');
			await page.locator('#food-log .error').waitFor({ timeout: 5000 }).catch(() => {});
			const msg = await page.locator('#food-log .error').textContent().catch(() => '');
			ok(msg.includes('no portion of that name') && msg.includes('1 oz') && !msg.includes('zzbowls'),
				'food: an unknown unit names the field and the portions, not the unit typed', msg);
			await page.fill('#food-amount', '1 oz');
			await page.click('#food-log button[type="submit"]');
			await page.locator('#food-list table').waitFor({ timeout: 5000 }).catch(() => {});
			const list = await page.textContent('#food-list');
			ok(list.includes('Nuts, almonds') && list.includes('76.5'), 'food: 1 oz of almonds is logged, 76.5 mg (270 x 28.35 / 100)', list);
		}
		ok(errors.length === 0, 'food: no console errors', errors.join('\n'));
		await page.close();
	}
} catch (e) {
	ok(false, 'the browser tests ran to the end', e.stack);
} finally {
	await context.close();
	fs.rmSync(profile, { recursive: true, force: true });
}
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
