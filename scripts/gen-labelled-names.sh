#!/bin/sh
# gen-labelled-names.sh: turn tests/eval/labelled-names.txt (sentences with
# [type:surface|value] markup) into tests/eval/labelled-names.jsonl, one
# {"text", "entities": [{type, value, start, end}]} per line with byte
# spans into the text.  The text must already be in normalised form
# (ASCII digits and punctuation such as , ( ) :).  Run after editing the
# .txt; the .jsonl is committed.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
node - "$top/tests/eval/labelled-names.txt" "$top/tests/eval/labelled-names.jsonl" <<'JS'
const fs = require("fs");
const [src, dst] = process.argv.slice(2);
const out = [];
for (const line of fs.readFileSync(src, "utf8").split("\n")) {
	if (!line || line[0] === "#")
		continue;
	let text = "";
	const entities = [];
	const re = /\[(person|place|org|item):([^\]|]+)(?:\|([^\]]+))?\]/g;
	let last = 0, m;
	while ((m = re.exec(line))) {
		text += line.slice(last, m.index);
		const start = Buffer.byteLength(text);
		text += m[2];
		entities.push({type: m[1], value: m[3] || m[2], start,
			       end: Buffer.byteLength(text)});
		last = re.lastIndex;
	}
	text += line.slice(last);
	if (/[\[\]]/.test(text))
		throw new Error("unbalanced markup: " + line);
	out.push(JSON.stringify({text, entities}));
}
fs.writeFileSync(dst, out.join("\n") + "\n");
JS
