-- user_version 20
CREATE INDEX batch_sha256 ON batch(sha256);
CREATE INDEX cluster_history_night ON cluster_history(night);
CREATE INDEX cluster_layout_night ON cluster_layout(night);
CREATE INDEX cluster_span_closed ON cluster_span(last_night) WHERE last_night IS NOT NULL;
CREATE INDEX cluster_span_entity ON cluster_span(entity_id);
CREATE INDEX cluster_status ON cluster(status);
CREATE INDEX companion_b ON companion(b, a);
CREATE INDEX entity_graph ON entity(id, type, hub, merged_into) WHERE merged_into IS NULL;
CREATE INDEX entity_hub ON entity(id) WHERE hub = 1;
CREATE INDEX entity_merged ON entity(merged_into) WHERE merged_into IS NOT NULL;
CREATE INDEX link_b ON link(b, a, type);
CREATE INDEX link_evidence_report ON link_evidence(report_id);
CREATE INDEX mention_entity ON mention(entity_id, report_id);
CREATE INDEX mention_report ON mention(report_id, entity_id);
CREATE INDEX mention_role ON mention(entity_id, role, report_id) WHERE role IS NOT NULL;
CREATE INDEX merge_log_kept ON merge_log(kept);
CREATE INDEX person_founder_entity ON person_founder(entity_id);
CREATE INDEX person_key_entity ON person_key(entity_id);
CREATE INDEX place_parent ON place(parent_id);
CREATE INDEX report_batch ON report(batch_id);
CREATE INDEX report_category_category ON report_category(category);
CREATE INDEX report_informant ON report(source) WHERE informant = 1;
CREATE INDEX report_kind ON report(kind);
CREATE INDEX report_received ON report(received_at, source, informant);
CREATE INDEX report_value_report ON report_value(report_id);
CREATE INDEX series_cluster ON series(cluster_id);
CREATE INDEX series_report_report ON series_report(report_id);
CREATE INDEX warn_report_day ON warn_report(day, occ_day, kind, informant);
CREATE INDEX warn_report_geo ON warn_report(day) WHERE geo = 1;
CREATE UNIQUE INDEX warning_evidence_once
	ON warning_evidence(warning_id, coalesce(report_id, 0), coalesce(entity_key, ''));
CREATE INDEX warning_evidence_warning ON warning_evidence(warning_id);
CREATE INDEX warning_last_night ON warning(last_night);
CREATE INDEX warning_night_night ON warning_night(night);
CREATE INDEX warning_subject ON warning(kind, subject, last_night);
CREATE INDEX watchlist_key ON watchlist(key);
CREATE TABLE analyze_mark (
	id      INTEGER PRIMARY KEY CHECK (id = 1),
	through INTEGER NOT NULL
);
CREATE TABLE analyzed (
	report_id   INTEGER PRIMARY KEY REFERENCES report(id),
	analyzed_at TEXT NOT NULL,
	weight      REAL NOT NULL DEFAULT 0
);
CREATE TABLE audit (
	id      INTEGER PRIMARY KEY,
	at      TEXT NOT NULL,
	os_user TEXT NOT NULL,
	command TEXT NOT NULL,
	args    TEXT NOT NULL
);
CREATE TABLE batch (
	id            INTEGER PRIMARY KEY,
	file          TEXT NOT NULL,
	sha256        TEXT NOT NULL,
	format        TEXT NOT NULL,         -- jsonl | csv | tsv | txt
	encoding      TEXT NOT NULL,         -- utf-8 | gb18030 | mixed (decided line by line)
	status        TEXT NOT NULL,         -- done (a batch is written in one transaction)
	ingested_at   TEXT NOT NULL,
	n_read        INTEGER NOT NULL DEFAULT 0,
	n_new         INTEGER NOT NULL DEFAULT 0,
	n_duplicate   INTEGER NOT NULL DEFAULT 0,
	n_near        INTEGER NOT NULL DEFAULT 0,
	n_quarantined INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE cluster (
	id          INTEGER PRIMARY KEY,        -- the stable number behind the label
	label       TEXT NOT NULL UNIQUE,       -- "C-0017"
	first_night TEXT NOT NULL,
	night       TEXT NOT NULL,              -- the last night it was computed
	status      TEXT NOT NULL,              -- new, grown, shrunk, merged, split, same, gone
	score       REAL NOT NULL,              -- 0..1, how much it deserves a look
	size        INTEGER NOT NULL,           -- members
	n_reports   INTEGER NOT NULL DEFAULT 0, -- reports that mention a member
	n_crimes    INTEGER NOT NULL DEFAULT 0, -- of which of a crime category
	component   INTEGER NOT NULL DEFAULT 0  -- its connected component (1 is the largest)
);
CREATE TABLE cluster_history (
	cluster_id INTEGER NOT NULL REFERENCES cluster(id),
	night      TEXT NOT NULL,
	status     TEXT NOT NULL,
	size       INTEGER NOT NULL,
	added      INTEGER NOT NULL,            -- members it did not have the night before
	removed    INTEGER NOT NULL,            -- members it had and lost
	related    TEXT NOT NULL DEFAULT '',    -- labels merged in, split from or merged into
	PRIMARY KEY (cluster_id, night)
) WITHOUT ROWID;
CREATE TABLE cluster_layout (
	cluster_id INTEGER NOT NULL REFERENCES cluster(id),
	night      TEXT NOT NULL,
	entity_id  INTEGER NOT NULL REFERENCES entity(id),
	x          REAL NOT NULL,
	y          REAL NOT NULL,
	PRIMARY KEY (cluster_id, night, entity_id)
) WITHOUT ROWID;
CREATE TABLE cluster_span (
	cluster_id  INTEGER NOT NULL REFERENCES cluster(id),
	entity_id   INTEGER NOT NULL REFERENCES entity(id),
	first_night TEXT NOT NULL,
	last_night  TEXT,                       -- NULL: still a member on the latest night
	rank        INTEGER NOT NULL,           -- key-player rank, 1 is the most central
	PRIMARY KEY (cluster_id, entity_id, first_night)
) WITHOUT ROWID;
CREATE TABLE companion (
	id         INTEGER PRIMARY KEY,
	a          INTEGER NOT NULL REFERENCES entity(id),
	b          INTEGER NOT NULL REFERENCES entity(id),
	night      TEXT NOT NULL,
	occasions  INTEGER NOT NULL,
	expected   REAL NOT NULL,               -- co-occurrences expected by chance
	chance     REAL NOT NULL,               -- P(at least occasions by chance)
	venues     TEXT NOT NULL,               -- the venues, comma-separated
	kinds      TEXT NOT NULL,               -- hotel, netcafe or hotel,netcafe
	first_seen TEXT NOT NULL,
	last_seen  TEXT NOT NULL,
	UNIQUE (a, b)
);
CREATE TABLE companion_evidence (
	companion_id INTEGER NOT NULL REFERENCES companion(id),
	report_id    INTEGER NOT NULL REFERENCES report(id),
	PRIMARY KEY (companion_id, report_id)
) WITHOUT ROWID;
CREATE TABLE entity (
	id          INTEGER PRIMARY KEY,
	type        TEXT NOT NULL,              -- phone, idcard, plate, person, place, ...
	key         TEXT NOT NULL UNIQUE,       -- "type:value", see FORMAT.md
	display     TEXT,                       -- a name for people, the value otherwise
	attrs       TEXT NOT NULL DEFAULT '{}', -- JSON object
	first_seen  TEXT,                       -- earliest and latest report date
	last_seen   TEXT,
	hub         INTEGER NOT NULL DEFAULT 0, -- 1: a service number or a shared identifier
	n_reports   INTEGER NOT NULL DEFAULT 0, -- reports that mention it
	merged_into INTEGER REFERENCES entity(id)   -- a person merged into another
);
CREATE TABLE entity_score (
	entity_id   INTEGER PRIMARY KEY REFERENCES entity(id),
	night       TEXT NOT NULL,
	component   INTEGER NOT NULL,           -- 0: a hub or not in the clustering graph
	degree      INTEGER NOT NULL,
	strength    REAL NOT NULL,              -- sum of edge weights
	pagerank    REAL NOT NULL,
	betweenness REAL NOT NULL               -- within its cluster, see data/graph.conf
, sig INTEGER NOT NULL DEFAULT 0, prev_sig INTEGER NOT NULL DEFAULT 0);
CREATE TABLE graph_entity_block (
	block INTEGER PRIMARY KEY,              -- entity id / 4096
	data  BLOB NOT NULL
);
CREATE TABLE graph_entity_dirty (
	entity_id INTEGER PRIMARY KEY
);
CREATE TABLE graph_link_block (
	block INTEGER PRIMARY KEY,              -- link id / 4096
	data  BLOB NOT NULL
);
CREATE TABLE graph_link_dirty (
	link_id INTEGER PRIMARY KEY
);
CREATE TABLE graph_mention_block (
	block INTEGER PRIMARY KEY,              -- report id / 4096
	data  BLOB NOT NULL
);
CREATE TABLE graph_mention_dirty (
	report_id INTEGER PRIMARY KEY
);
CREATE TABLE graph_night (
	night TEXT PRIMARY KEY
) WITHOUT ROWID;
CREATE TABLE link (
	id         INTEGER PRIMARY KEY,
	a          INTEGER NOT NULL REFERENCES entity(id),
	b          INTEGER NOT NULL REFERENCES entity(id),
	type       TEXT NOT NULL,
	weight     REAL NOT NULL,
	first_seen TEXT,
	last_seen  TEXT,
	UNIQUE (a, b, type)
);
CREATE TABLE link_evidence (
	link_id   INTEGER NOT NULL REFERENCES link(id),
	report_id INTEGER NOT NULL REFERENCES report(id),
	PRIMARY KEY (link_id, report_id)
) WITHOUT ROWID;
CREATE TABLE mention (
	id         INTEGER PRIMARY KEY,
	report_id  INTEGER NOT NULL REFERENCES report(id),
	entity_id  INTEGER NOT NULL REFERENCES entity(id),
	start      INTEGER,                    -- byte offsets into report.text,
	end        INTEGER,                    -- NULL for a field of a register row
	field      TEXT,                       -- the register field, when from one
	surface    TEXT NOT NULL,
	role       TEXT,                       -- suspect, victim, witness, reporter, party
	rule       TEXT NOT NULL,
	confidence REAL NOT NULL,
	attrs      TEXT                        -- JSON: age, sex ... stated beside it
);
CREATE TABLE merge_evidence (
	merge_id  INTEGER NOT NULL REFERENCES merge_log(id),
	report_id INTEGER NOT NULL REFERENCES report(id),
	PRIMARY KEY (merge_id, report_id)
) WITHOUT ROWID;
CREATE TABLE merge_log (
	id              INTEGER PRIMARY KEY,
	kept            INTEGER NOT NULL,
	report_id       INTEGER NOT NULL REFERENCES report(id),   -- the report that joined them
	keys            TEXT NOT NULL,
	kept_founders   TEXT NOT NULL,
	merged_founders TEXT NOT NULL
);
CREATE TABLE person (
	entity_id INTEGER PRIMARY KEY REFERENCES entity(id),
	idcard    TEXT,
	sex       TEXT,                        -- M, F
	birth     TEXT,                        -- YYYY-MM-DD when known exactly
	birth_lo  INTEGER,                     -- the birth years the evidence allows
	birth_hi  INTEGER
);
CREATE TABLE person_founder (
	sig       TEXT PRIMARY KEY,
	entity_id INTEGER NOT NULL REFERENCES entity(id)
) WITHOUT ROWID;
CREATE TABLE person_key (
	key       TEXT NOT NULL,
	entity_id INTEGER NOT NULL REFERENCES entity(id),
	report_id INTEGER NOT NULL REFERENCES report(id),
	PRIMARY KEY (key, entity_id)
) WITHOUT ROWID;
CREATE TABLE place (
	entity_id INTEGER PRIMARY KEY REFERENCES entity(id),
	parent_id INTEGER REFERENCES entity(id),
	level     TEXT NOT NULL                -- province, city, county, township, community, road, building, ...
);
CREATE TABLE quarantine (
	id       INTEGER PRIMARY KEY,
	batch_id INTEGER NOT NULL REFERENCES batch(id),
	file     TEXT NOT NULL,
	line     INTEGER NOT NULL,
	reason   TEXT NOT NULL,
	raw      BLOB NOT NULL
);
CREATE TABLE report (
	id             INTEGER PRIMARY KEY,
	source         TEXT NOT NULL,
	ext_id         TEXT NOT NULL,
	id_derived     INTEGER NOT NULL DEFAULT 0,   -- 1: ext_id made from the content
	kind           TEXT NOT NULL,
	category       TEXT,                         -- the given category, normalised
	received_at    TEXT,                         -- ISO 8601, NULL when absent or unparsed
	received_text  TEXT,                         -- the date as written
	occurred_at    TEXT,
	occurred_text  TEXT,
	date_flags     INTEGER NOT NULL DEFAULT 0,   -- 1 received unparsed, 2 occurred unparsed
	place          TEXT,
	lat            REAL,
	lon            REAL,
	reliability    TEXT NOT NULL,                -- A-F
	credibility    INTEGER NOT NULL,             -- 1-6
	grading_default INTEGER NOT NULL DEFAULT 0,  -- 1: grading from the source-kind default
	informant      INTEGER NOT NULL DEFAULT 0,   -- 1: the source names an informant
	text           TEXT NOT NULL,
	fields         TEXT NOT NULL DEFAULT '{}',   -- JSON object
	extra          TEXT NOT NULL DEFAULT '{}',   -- JSON object
	raw            BLOB NOT NULL,
	content_hash   TEXT NOT NULL UNIQUE,         -- sha256 of the normalised content, id and grades left out
	sketch         BLOB,                         -- MinHash of the text's 3-grams (16 x uint32 LE), NULL for short texts
	near_dup_of    INTEGER REFERENCES report(id), -- the first report of a near-duplicate family
	near_sim       REAL,                         -- Jaccard similarity of 3-grams to near_dup_of
	batch_id       INTEGER NOT NULL REFERENCES batch(id),
	line           INTEGER NOT NULL,
	UNIQUE (source, ext_id)
);
CREATE TABLE report_band (
	key  INTEGER NOT NULL,
	id   INTEGER NOT NULL REFERENCES report(id),
	band INTEGER NOT NULL,
	PRIMARY KEY (key, id, band)
) WITHOUT ROWID;
CREATE TABLE report_band_state (
	id    INTEGER PRIMARY KEY CHECK (id = 1),
	built INTEGER NOT NULL
);
CREATE TABLE report_category (
	report_id  INTEGER NOT NULL REFERENCES report(id),
	category   TEXT NOT NULL,              -- a key of data/categories.tsv
	is_primary INTEGER NOT NULL DEFAULT 0,
	score      INTEGER NOT NULL DEFAULT 0, -- keyword score; the given field adds 100
	PRIMARY KEY (report_id, category)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE report_fts USING fts5(
	text, content='report', content_rowid='id', tokenize='trigram');
CREATE TABLE 'report_fts_config'(k PRIMARY KEY, v) WITHOUT ROWID;
CREATE TABLE 'report_fts_data'(id INTEGER PRIMARY KEY, block BLOB);
CREATE TABLE 'report_fts_docsize'(id INTEGER PRIMARY KEY, sz BLOB);
CREATE TABLE 'report_fts_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;
CREATE TABLE report_run (
	night        TEXT PRIMARY KEY,
	generated_at TEXT NOT NULL,
	max_batch_id INTEGER NOT NULL,         -- batches up to this id were counted
	counts       TEXT NOT NULL,
	warnings     TEXT NOT NULL,
	clusters     TEXT NOT NULL
);
CREATE TABLE report_sketch (
	id     INTEGER PRIMARY KEY REFERENCES report(id),
	root   INTEGER NOT NULL,
	sketch BLOB NOT NULL
, day INTEGER);
CREATE TABLE report_value (
	report_id INTEGER NOT NULL REFERENCES report(id),
	type      TEXT NOT NULL,
	value     TEXT NOT NULL,               -- "128000", "32", "男", ISO date
	surface   TEXT NOT NULL,
	start     INTEGER NOT NULL,
	end       INTEGER NOT NULL,
	attrs     TEXT                         -- JSON: currency, approx
);
CREATE TABLE resolve_never (
	a        TEXT NOT NULL,
	b        TEXT NOT NULL,
	split_id INTEGER NOT NULL,
	PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE TABLE resolve_split (
	id       INTEGER PRIMARY KEY,
	merge_id INTEGER NOT NULL,
	kept     TEXT NOT NULL,                -- "person:12"
	merged   TEXT NOT NULL,
	keys     TEXT NOT NULL,
	reports  TEXT NOT NULL,                -- "SOURCE/ID" list, comma-separated
	split_at TEXT NOT NULL,
	os_user  TEXT NOT NULL
);
CREATE TABLE series (
	id          INTEGER PRIMARY KEY,
	key         TEXT NOT NULL UNIQUE,
	cluster_id  INTEGER NOT NULL REFERENCES cluster(id),
	night       TEXT NOT NULL,
	first_night TEXT NOT NULL,              -- the first night it was a candidate
	score       REAL NOT NULL,              -- 0..1
	n_reports   INTEGER NOT NULL,
	n_days      INTEGER NOT NULL,           -- distinct dates among its reports
	first_at    TEXT,                       -- earliest and latest report date
	last_at     TEXT,
	categories  TEXT NOT NULL               -- "burglary,theft"
);
CREATE TABLE series_pair (
	series_id INTEGER NOT NULL REFERENCES series(id),
	report_a  INTEGER NOT NULL REFERENCES report(id),
	report_b  INTEGER NOT NULL REFERENCES report(id),
	hops      INTEGER NOT NULL,             -- links between the two mentions
	strength  REAL NOT NULL,                -- 0..1
	chain     TEXT NOT NULL,
	PRIMARY KEY (series_id, report_a, report_b)
) WITHOUT ROWID;
CREATE TABLE series_report (
	series_id INTEGER NOT NULL REFERENCES series(id),
	report_id INTEGER NOT NULL REFERENCES report(id),
	PRIMARY KEY (series_id, report_id)
) WITHOUT ROWID;
CREATE TABLE series_seen (
	key         TEXT PRIMARY KEY,
	first_night TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE spike_count (
	place_id INTEGER NOT NULL REFERENCES entity(id),
	category TEXT NOT NULL,
	day      TEXT NOT NULL,
	n        INTEGER NOT NULL,
	PRIMARY KEY (place_id, category, day)
) WITHOUT ROWID;
CREATE TABLE spike_state (
	id          INTEGER PRIMARY KEY CHECK (id = 1),
	counted_to  INTEGER NOT NULL,            -- reports up to this id are counted
	analyzed_at TEXT NOT NULL,               -- when analyze did that report
	since       TEXT NOT NULL,               -- the first day counted
	settings    TEXT NOT NULL                -- spike categories and levels counted
);
CREATE TABLE stage_run (
	id          INTEGER PRIMARY KEY,
	stage       TEXT NOT NULL,
	night       TEXT,
	started_at  TEXT NOT NULL,
	finished_at TEXT,
	status      TEXT NOT NULL,           -- running | ok | failed
	rows        INTEGER NOT NULL DEFAULT 0,
	note        TEXT
);
CREATE TABLE warn_report (
	report_id INTEGER PRIMARY KEY REFERENCES report(id),
	day       TEXT NOT NULL,
	occ_day   TEXT NOT NULL,
	kind      TEXT NOT NULL,
	informant INTEGER NOT NULL               -- 1 for an informant's report
, geo INTEGER NOT NULL DEFAULT 0);
CREATE TABLE warn_state (
	id    INTEGER PRIMARY KEY CHECK (id = 1),
	since TEXT NOT NULL,
	upto  INTEGER NOT NULL
);
CREATE TABLE warning (
	id          INTEGER PRIMARY KEY,
	wid         TEXT NOT NULL UNIQUE,      -- "W-2026-11-21-0001"
	kind        TEXT NOT NULL,             -- spike, series, dispute, burst, watchlist, near_repeat
	subject     TEXT NOT NULL,
	first_night TEXT NOT NULL,
	last_night  TEXT NOT NULL,
	n_nights    INTEGER NOT NULL DEFAULT 1, -- nights it was raised
	severity    INTEGER NOT NULL,          -- 0-100
	title       TEXT NOT NULL,
	explanation TEXT NOT NULL,
	data        TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE warning_evidence (
	warning_id INTEGER NOT NULL REFERENCES warning(id),
	report_id  INTEGER REFERENCES report(id),
	entity_key TEXT,
	night      TEXT NOT NULL DEFAULT ''
);
CREATE TABLE warning_held (
	night    TEXT NOT NULL,
	kind     TEXT NOT NULL,
	subject  TEXT NOT NULL,
	severity INTEGER NOT NULL,
	title    TEXT NOT NULL,
	PRIMARY KEY (night, kind, subject)
) WITHOUT ROWID;
CREATE TABLE warning_night (
	warning_id  INTEGER NOT NULL REFERENCES warning(id),
	night       TEXT NOT NULL,
	severity    INTEGER NOT NULL,
	title       TEXT NOT NULL,
	explanation TEXT NOT NULL,
	data        TEXT NOT NULL DEFAULT '{}',
	PRIMARY KEY (warning_id, night)
) WITHOUT ROWID;
CREATE TABLE watchlist (
	id       INTEGER PRIMARY KEY,
	list     TEXT NOT NULL,               -- wanted, key_person, stolen, missing, or any name
	key      TEXT NOT NULL,
	name     TEXT,
	note     TEXT,
	added_at TEXT NOT NULL,
	UNIQUE (list, key)
);
CREATE TRIGGER cluster_member_insert INSTEAD OF INSERT ON cluster_member
BEGIN
	INSERT OR IGNORE INTO graph_night(night) VALUES (NEW.night);
	INSERT INTO cluster_span(cluster_id, entity_id, first_night, last_night, rank)
		VALUES (NEW.cluster_id, NEW.entity_id, NEW.night, NEW.night, NEW.rank);
END;
CREATE TRIGGER report_fts_ad AFTER DELETE ON report BEGIN
	INSERT INTO report_fts(report_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER report_fts_au AFTER UPDATE OF text ON report BEGIN
	INSERT INTO report_fts(report_fts, rowid, text) VALUES ('delete', old.id, old.text);
	INSERT INTO report_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE VIEW cluster_member(cluster_id, night, entity_id, rank) AS
	SELECT s.cluster_id, n.night, s.entity_id, s.rank
	FROM graph_night n JOIN cluster_span s
	ON s.first_night <= n.night AND (s.last_night IS NULL OR s.last_night >= n.night);
