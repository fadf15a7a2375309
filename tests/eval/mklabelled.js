// mklabelled.js: turn a hand-labelled source (one sentence a line, entities
// marked [[type:value|surface as written]], an optional leading "@YYYY-MM-DD "
// giving the record's date for relative dates, "#" comment lines) into the
// labelled JSON Lines the eval program reads:
//   {"text": raw, "ref": "YYYY-MM-DD", "entities": [{"type", "value", "start", "end", "surface"}]}
// start/end are byte offsets into the normalised text (NFKC, white space
// folded, Traditional to Simplified), as lookout stores it.  Node's NFKC
// stands in for utf8proc; Traditional characters keep their byte length
// under t2s, so spans hold; the few inside spans are mapped below so the
// surface shows as lookout stores it.  bench/eval_extract checks every
// span against lookout's own normaliser.
// Usage: node tests/eval/mklabelled.js < tests/eval/labelled-ids.src > tests/eval/labelled-ids.jsonl
'use strict';
const T2S = { '時': '时', '許': '许', '歲': '岁', '號': '号', '機': '机', '證': '证' };
const norm = s => s.normalize('NFKC').replace(/[\s\u3000]+/g, ' ').trim()
	.replace(/[時許歲號機證]/g, c => T2S[c]);
const bytes = s => Buffer.byteLength(s, 'utf8');
const lines = require('fs').readFileSync(0, 'utf8').split('\n');
let bad = 0;
lines.forEach((line, no) => {
	if (!line.trim() || line.startsWith('#')) return;
	let ref = null;
	const m = line.match(/^@(\d{4}-\d{2}-\d{2}) /);
	if (m) { ref = m[1]; line = line.slice(m[0].length); }
	const marks = [];
	let raw = '';
	const re = /\[\[([a-z]+):([^|\]]*)\|([^\]]*)\]\]/g;
	let last = 0, x;
	while ((x = re.exec(line))) {
		raw += line.slice(last, x.index);
		marks.push({ type: x[1], value: x[2], surface: x[3], prefix: raw });
		raw += x[3];
		last = re.lastIndex;
	}
	raw += line.slice(last);
	if (raw.includes('[[') || raw.includes(']]')) { console.error(`line ${no + 1}: bad mark`); bad++; }
	const text = norm(raw);
	const tb = Buffer.from(text, 'utf8');
	const ents = [];
	for (const mk of marks) {
		// the normalised text before the mark: folded like the whole, but a
		// trailing space stays, as it does in the middle of the text
		const before = mk.prefix.normalize('NFKC').replace(/[\s\u3000]+/g, ' ').replace(/^ /, '');
		const s = norm(mk.surface);
		const start = bytes(before);
		if (tb.slice(start, start + bytes(s)).toString('utf8') !== s) {
			console.error(`line ${no + 1}: '${s}' not at byte ${start}`);
			bad++;
			continue;
		}
		ents.push({ type: mk.type, value: mk.value, start, end: start + bytes(s), surface: s });
	}
	const o = { text: raw };
	if (ref) o.ref = ref;
	o.entities = ents;
	console.log(JSON.stringify(o));
});
process.exit(bad ? 1 : 0);
