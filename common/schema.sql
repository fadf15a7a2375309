-- lookout schema: one file of append-only migrations.
--
-- Each "-- version N" block is applied once, in order, inside a
-- transaction, and PRAGMA user_version records the last one applied.
-- Never edit a block that has shipped; add a new one.  Each stage owns
-- the tables it writes and only reads those of earlier stages.
-- Times are ISO 8601 text in China Standard Time ("2026-11-21T20:15:00+08:00"),
-- nights are "YYYY-MM-DD".

-- version 1
-- common: one row per stage run, for the log and for incremental work.
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

-- ingest: one batch per input file (or standard input).
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
CREATE INDEX batch_sha256 ON batch(sha256);

-- ingest: the reports.  raw holds the record's bytes exactly as read
-- (in the file's own encoding); text is the normalised narrative
-- (NFKC, Traditional to Simplified, whitespace folded).  Known fields
-- beyond the columns are in fields (canonical names, normalised values);
-- unknown fields are in extra, verbatim.
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
CREATE INDEX report_received ON report(received_at);
CREATE INDEX report_batch ON report(batch_id);

CREATE TABLE quarantine (
	id       INTEGER PRIMARY KEY,
	batch_id INTEGER NOT NULL REFERENCES batch(id),
	file     TEXT NOT NULL,
	line     INTEGER NOT NULL,
	reason   TEXT NOT NULL,
	raw      BLOB NOT NULL
);

-- Full-text search over the normalised text; trigram so Chinese
-- substrings match.  External content.  Ingest indexes a batch's new
-- reports with one INSERT ... SELECT per 8,192 of them, inside the
-- batch's transaction (never a row at a time): a
-- per-row AFTER INSERT trigger makes FTS5 flush at every statement's
-- savepoint (measured: two thirds of ingest time).  Deletes and text
-- updates are kept in step by triggers.
CREATE VIRTUAL TABLE report_fts USING fts5(
	text, content='report', content_rowid='id', tokenize='trigram');
CREATE TRIGGER report_fts_ad AFTER DELETE ON report BEGIN
	INSERT INTO report_fts(report_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER report_fts_au AFTER UPDATE OF text ON report BEGIN
	INSERT INTO report_fts(report_fts, rowid, text) VALUES ('delete', old.id, old.text);
	INSERT INTO report_fts(rowid, text) VALUES (new.id, new.text);
END;

-- version 2
-- analyze: entities, mentions, links and their evidence, categories,
-- places with their parents, and person resolution with its merge log.
-- All of it is derived from the reports and rebuilt by 'analyze --all',
-- except resolve_never and resolve_split, an analyst's corrections.
-- entity rows are kept by key across a rebuild (later stages refer to
-- them); one that nothing mentions any more has n_reports = 0.
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
CREATE INDEX entity_type ON entity(type);
CREATE INDEX entity_merged ON entity(merged_into);

-- ids are given in report order, so a fresh database and a rebuild
-- number mentions, and so persons, alike.
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
CREATE INDEX mention_report ON mention(report_id);
CREATE INDEX mention_entity ON mention(entity_id);

-- Links: holds (person, idcard), uses (person, phone/wechat/qq/bankcard/
-- imei/email), drives (person, plate), co_mention (a < b).  weight is
-- the sum over the evidence of reliability x credibility (analyze.conf).
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
CREATE INDEX link_b ON link(b);

CREATE TABLE link_evidence (
	link_id   INTEGER NOT NULL REFERENCES link(id),
	report_id INTEGER NOT NULL REFERENCES report(id),
	PRIMARY KEY (link_id, report_id)
) WITHOUT ROWID;
CREATE INDEX link_evidence_report ON link_evidence(report_id);

CREATE TABLE report_category (
	report_id  INTEGER NOT NULL REFERENCES report(id),
	category   TEXT NOT NULL,              -- a key of data/categories.tsv
	is_primary INTEGER NOT NULL DEFAULT 0,
	score      INTEGER NOT NULL DEFAULT 0, -- keyword score; the given field adds 100
	PRIMARY KEY (report_id, category)
) WITHOUT ROWID;
CREATE INDEX report_category_category ON report_category(category);

-- Values found in the text that are not entities: amount, age, sex, datetime.
CREATE TABLE report_value (
	report_id INTEGER NOT NULL REFERENCES report(id),
	type      TEXT NOT NULL,
	value     TEXT NOT NULL,               -- "128000", "32", "男", ISO date
	surface   TEXT NOT NULL,
	start     INTEGER NOT NULL,
	end       INTEGER NOT NULL,
	attrs     TEXT                         -- JSON: currency, approx
);
CREATE INDEX report_value_report ON report_value(report_id);

-- Every place entity with its administrative parent, so warnings can
-- count at any level (district, street, community, building).
CREATE TABLE place (
	entity_id INTEGER PRIMARY KEY REFERENCES entity(id),
	parent_id INTEGER REFERENCES entity(id),
	level     TEXT NOT NULL                -- province, city, county, township, community, road, building, ...
);
CREATE INDEX place_parent ON place(parent_id);

-- A report is analyzed once; --all clears this and the tables above.
-- weight is what the report adds to each link it evidences.
CREATE TABLE analyzed (
	report_id   INTEGER PRIMARY KEY REFERENCES report(id),
	analyzed_at TEXT NOT NULL,
	weight      REAL NOT NULL DEFAULT 0
);

-- Person resolution state of every person that has a strong key (one
-- without can never be found again): what is known of it, the strong
-- keys that find it ("idcard:ID", "name+phone:NAME|PHONE",
-- "name+birth:NAME|YYYY-MM-DD") with the report that first gave each,
-- and the founding mentions of the persons merged into it, as
-- "REPORT@START" for the text or "REPORT#FIELD.N" for a register field.
CREATE TABLE person (
	entity_id INTEGER PRIMARY KEY REFERENCES entity(id),
	idcard    TEXT,
	sex       TEXT,                        -- M, F
	birth     TEXT,                        -- YYYY-MM-DD when known exactly
	birth_lo  INTEGER,                     -- the birth years the evidence allows
	birth_hi  INTEGER
);

CREATE TABLE person_key (
	key       TEXT NOT NULL,
	entity_id INTEGER NOT NULL REFERENCES entity(id),
	report_id INTEGER NOT NULL REFERENCES report(id),
	PRIMARY KEY (key, entity_id)
) WITHOUT ROWID;
CREATE INDEX person_key_entity ON person_key(entity_id);

CREATE TABLE person_founder (
	sig       TEXT PRIMARY KEY,
	entity_id INTEGER NOT NULL REFERENCES entity(id)
) WITHOUT ROWID;
CREATE INDEX person_founder_entity ON person_founder(entity_id);

-- Every merge of two persons.  id is the number of the person merged
-- away (person:N), which stays the same across rebuilds; kept is the
-- number of the person it joined.  keys and founders are JSON arrays.
CREATE TABLE merge_log (
	id              INTEGER PRIMARY KEY,
	kept            INTEGER NOT NULL,
	report_id       INTEGER NOT NULL REFERENCES report(id),   -- the report that joined them
	keys            TEXT NOT NULL,
	kept_founders   TEXT NOT NULL,
	merged_founders TEXT NOT NULL
);
CREATE INDEX merge_log_kept ON merge_log(kept);

CREATE TABLE merge_evidence (
	merge_id  INTEGER NOT NULL REFERENCES merge_log(id),
	report_id INTEGER NOT NULL REFERENCES report(id),
	PRIMARY KEY (merge_id, report_id)
) WITHOUT ROWID;

-- An analyst's corrections, kept through every rebuild: the founding
-- mentions of persons that must never be merged (a < b), and a record of
-- each undone merge as it was listed when it was undone.
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

-- version 3
-- graph: clusters with ids stable from night to night and what changed,
-- centrality scores, series candidates with their evidence, companions.
-- The stage recomputes the whole graph each night; it keeps the members
-- of the last two nights computed so that re-running the latest night
-- matches against the same earlier state and gives the same answer.
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
CREATE INDEX cluster_status ON cluster(status);

CREATE TABLE cluster_member (
	cluster_id INTEGER NOT NULL REFERENCES cluster(id),
	night      TEXT NOT NULL,
	entity_id  INTEGER NOT NULL REFERENCES entity(id),
	rank       INTEGER NOT NULL,            -- key-player rank, 1 is the most central
	PRIMARY KEY (cluster_id, night, entity_id)
) WITHOUT ROWID;
CREATE INDEX cluster_member_entity ON cluster_member(entity_id, night);

-- What changed: a row for each cluster on each night it was not 'same'.
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
CREATE INDEX cluster_history_night ON cluster_history(night);

-- Centrality of every linked entity on the last night computed.
-- pagerank and betweenness are over the graph without hubs; degree
-- counts every distinct neighbour, hubs included.
CREATE TABLE entity_score (
	entity_id   INTEGER PRIMARY KEY REFERENCES entity(id),
	night       TEXT NOT NULL,
	component   INTEGER NOT NULL,           -- 0: a hub or not in the clustering graph
	degree      INTEGER NOT NULL,
	strength    REAL NOT NULL,              -- sum of edge weights
	pagerank    REAL NOT NULL,
	betweenness REAL NOT NULL               -- within its cluster, see data/graph.conf
);

-- Series candidates (串并案) of the last night computed.  key is the
-- earliest report of the series (SOURCE/ID), which stays the same as the
-- series grows, so a warning can follow it from night to night.
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
CREATE INDEX series_cluster ON series(cluster_id);

CREATE TABLE series_report (
	series_id INTEGER NOT NULL REFERENCES series(id),
	report_id INTEGER NOT NULL REFERENCES report(id),
	PRIMARY KEY (series_id, report_id)
) WITHOUT ROWID;
CREATE INDEX series_report_report ON series_report(report_id);

-- The chain of evidence joining two reports of a series: a JSON array
-- of steps {"from", "to", "type", "reports"}, from report_a's mention of
-- an identifier or person, through links, to report_b's mention.
CREATE TABLE series_pair (
	series_id INTEGER NOT NULL REFERENCES series(id),
	report_a  INTEGER NOT NULL REFERENCES report(id),
	report_b  INTEGER NOT NULL REFERENCES report(id),
	hops      INTEGER NOT NULL,             -- links between the two mentions
	strength  REAL NOT NULL,                -- 0..1
	chain     TEXT NOT NULL,
	PRIMARY KEY (series_id, report_a, report_b)
) WITHOUT ROWID;

-- When each series key was first a candidate (series holds one night).
CREATE TABLE series_seen (
	key         TEXT PRIMARY KEY,
	first_night TEXT NOT NULL
) WITHOUT ROWID;

-- Companions (同行/同住): two persons in the same hotel or internet-café
-- register within a window on at least k separate occasions.  a < b.
-- chance is the probability of at least that many co-occurrences if the
-- two came and went independently, given how often each used the venues.
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
CREATE INDEX companion_b ON companion(b);

CREATE TABLE companion_evidence (
	companion_id INTEGER NOT NULL REFERENCES companion(id),
	report_id    INTEGER NOT NULL REFERENCES report(id),
	PRIMARY KEY (companion_id, report_id)
) WITHOUT ROWID;

-- The companion step reads the register rows by kind.
CREATE INDEX report_kind ON report(kind);

-- version 4
-- output: watchlist, warnings with their evidence, and the audit trail.
-- A watchlist entry watches one normalised entity key ("plate:苏A12345",
-- "idcard:...", "phone:...", "imei:...", "item:..."), matched against
-- the entity keys analyze stores; name is the watched person's name
-- where the list gave one.
CREATE TABLE watchlist (
	id       INTEGER PRIMARY KEY,
	list     TEXT NOT NULL,               -- wanted, key_person, stolen, missing, or any name
	key      TEXT NOT NULL,
	name     TEXT,
	note     TEXT,
	added_at TEXT NOT NULL,
	UNIQUE (list, key)
);
CREATE INDEX watchlist_key ON watchlist(key);

-- One row per warning episode.  wid comes from the night it was first
-- raised and stays while the same kind and subject keep being raised
-- within the kind's carry days (an ongoing spike is one warning); after
-- a longer pause the same subject starts a new warning.  subject is a
-- JSON array of keys ("place:...", "category:burglary"); title,
-- explanation, severity and data are those of the last night raised.
-- data is a JSON object of the detector's figures; a spike's holds
-- "series": [{"date", "observed", "expected", "threshold"}, ...].
-- Titles and explanations never name an informant.
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
CREATE INDEX warning_subject ON warning(kind, subject, last_night);
CREATE INDEX warning_last_night ON warning(last_night);

-- Each night a warning was raised, as it was that night, so that
-- re-running a night replaces exactly what that night wrote.
CREATE TABLE warning_night (
	warning_id  INTEGER NOT NULL REFERENCES warning(id),
	night       TEXT NOT NULL,
	severity    INTEGER NOT NULL,
	title       TEXT NOT NULL,
	explanation TEXT NOT NULL,
	data        TEXT NOT NULL DEFAULT '{}',
	PRIMARY KEY (warning_id, night)
) WITHOUT ROWID;
CREATE INDEX warning_night_night ON warning_night(night);

-- What supports a warning: a report (report_id, entity_key NULL) or an
-- entity (entity_key, report_id NULL), with the night that first cited
-- it.  Informant reports may be evidence; the report masks their source.
CREATE TABLE warning_evidence (
	warning_id INTEGER NOT NULL REFERENCES warning(id),
	report_id  INTEGER REFERENCES report(id),
	entity_key TEXT,
	night      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX warning_evidence_warning ON warning_evidence(warning_id);
CREATE UNIQUE INDEX warning_evidence_once
	ON warning_evidence(warning_id, coalesce(report_id, 0), coalesce(entity_key, ''));

CREATE TABLE audit (
	id      INTEGER PRIMARY KEY,
	at      TEXT NOT NULL,
	os_user TEXT NOT NULL,
	command TEXT NOT NULL,
	args    TEXT NOT NULL
);

-- output (report): one row per morning report, so that the next one can
-- say what changed and which batches arrived since.  counts is the JSON
-- counts object of the report; warnings and clusters are JSON arrays of
-- the ids it showed.
CREATE TABLE report_run (
	night        TEXT PRIMARY KEY,
	generated_at TEXT NOT NULL,
	max_batch_id INTEGER NOT NULL,         -- batches up to this id were counted
	counts       TEXT NOT NULL,
	warnings     TEXT NOT NULL,
	clusters     TEXT NOT NULL
);
-- The report masks informants; this finds their sources without a scan.
CREATE INDEX report_informant ON report(source) WHERE informant = 1;

-- version 5
-- graph: where the morning report draws each member of a cluster picture,
-- x and y in [0.05, 0.95] (0,0 top left), for the members the report
-- draws (the best-ranked ones) of the clusters it shows, on the nights
-- whose members cluster_member keeps.  A cluster with no rows here is
-- drawn on a circle.
CREATE TABLE cluster_layout (
	cluster_id INTEGER NOT NULL REFERENCES cluster(id),
	night      TEXT NOT NULL,
	entity_id  INTEGER NOT NULL REFERENCES entity(id),
	x          REAL NOT NULL,
	y          REAL NOT NULL,
	PRIMARY KEY (cluster_id, night, entity_id)
) WITHOUT ROWID;
CREATE INDEX cluster_layout_night ON cluster_layout(night);

-- version 6
-- output (warn): what the detectors count, kept up to date as reports
-- arrive, so that a night reads its own days and not every report row.
-- warn_report holds each report that is not a re-sent copy (see
-- output/warn_int.h) and has a date: day is the received date, else the
-- occurred date; occ_day the occurred date, else the received date.
CREATE TABLE warn_report (
	report_id INTEGER PRIMARY KEY REFERENCES report(id),
	day       TEXT NOT NULL,
	occ_day   TEXT NOT NULL,
	kind      TEXT NOT NULL,
	informant INTEGER NOT NULL               -- 1 for an informant's report
);
CREATE INDEX warn_report_day ON warn_report(day, occ_day, kind, informant);

-- warn_report holds the reports up to id upto of the days from since:
-- a first run adds the days its detectors read, not every report stored,
-- and an earlier day is added when a detector first reads it.
CREATE TABLE warn_state (
	id    INTEGER PRIMARY KEY CHECK (id = 1),
	since TEXT NOT NULL,
	upto  INTEGER NOT NULL
);

-- The spike detector's daily counts: the reports of a day (warn_report's
-- day) of one spike category that mention a place of a judged level or
-- one below it.  They count the analyzed reports up to spike_state's
-- counted_to, of the days from its since, with the settings it names;
-- a report analyze has not finished yet is counted afresh each night,
-- and the table is counted again from the start when analyze redid its
-- work ('analyze --all') or the settings changed.
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

-- The morning report counts the reports of each source over four weeks
-- to find the sources that went quiet: received_at with source and
-- informant answers that from the index, without reading report rows.
DROP INDEX report_received;
CREATE INDEX report_received ON report(received_at, source, informant);

-- version 7
-- output (warn): the situations a detector found on a night beyond its
-- kind's max_per_night (warn.conf).  They are not warnings: the morning
-- report counts them and lists them in one line each, below the
-- warnings, so that a chief's page holds the most severe of each kind
-- and nothing is lost.  title is masked as a warning's is.
CREATE TABLE warning_held (
	night    TEXT NOT NULL,
	kind     TEXT NOT NULL,
	subject  TEXT NOT NULL,
	severity INTEGER NOT NULL,
	title    TEXT NOT NULL,
	PRIMARY KEY (night, kind, subject)
) WITHOUT ROWID;

-- version 8
-- query: the officer's questions read only indexes.  A node's neighbours
-- come from link by a (the unique index) and by b, companion by a and by
-- b, mention by entity and by report: each index now holds the column
-- asked for, so no lookup goes to the table rows.  Hubs are few and read
-- once per question through their own small index.
DROP INDEX link_b;
CREATE INDEX link_b ON link(b, a, type);
DROP INDEX companion_b;
CREATE INDEX companion_b ON companion(b, a);
DROP INDEX mention_report;
CREATE INDEX mention_report ON mention(report_id, entity_id);
DROP INDEX mention_entity;
CREATE INDEX mention_entity ON mention(entity_id, report_id);
CREATE INDEX entity_hub ON entity(id) WHERE hub = 1;

-- version 9
-- graph: cluster members as spans of nights, so that a night writes only
-- the members that joined, left or changed rank, not every member again.
-- A span is open (last_night NULL) while the member stays in the same
-- cluster; the stage closes it at the last night it held.  Its rank is
-- the rank on its latest night: a member ranked otherwise has the new
-- rank written into its span (the stage once closed the span and opened
-- another; such spans read the same through the view).  graph_night
-- lists the nights whose members are kept (the last two computed).
-- cluster_member becomes a view with the rows and columns of the table
-- it replaces, one row per member per kept night, so its readers are
-- unchanged; writing to the view (test fixtures do) stores a span of one
-- night.  The latest night's members become open spans, older ones
-- closed spans of one night.
CREATE TABLE graph_night (
	night TEXT PRIMARY KEY
) WITHOUT ROWID;
CREATE TABLE cluster_span (
	cluster_id  INTEGER NOT NULL REFERENCES cluster(id),
	entity_id   INTEGER NOT NULL REFERENCES entity(id),
	first_night TEXT NOT NULL,
	last_night  TEXT,                       -- NULL: still a member on the latest night
	rank        INTEGER NOT NULL,           -- key-player rank, 1 is the most central
	PRIMARY KEY (cluster_id, entity_id, first_night)
) WITHOUT ROWID;
CREATE INDEX cluster_span_entity ON cluster_span(entity_id);
CREATE INDEX cluster_span_closed ON cluster_span(last_night) WHERE last_night IS NOT NULL;
INSERT INTO graph_night(night) SELECT DISTINCT night FROM cluster_member;
INSERT INTO cluster_span(cluster_id, entity_id, first_night, last_night, rank)
	SELECT cluster_id, entity_id, night,
	       CASE WHEN night = (SELECT max(night) FROM graph_night) THEN NULL ELSE night END, rank
	FROM cluster_member ORDER BY cluster_id, entity_id, night;
DROP TABLE cluster_member;
CREATE VIEW cluster_member(cluster_id, night, entity_id, rank) AS
	SELECT s.cluster_id, n.night, s.entity_id, s.rank
	FROM graph_night n JOIN cluster_span s
	ON s.first_night <= n.night AND (s.last_night IS NULL OR s.last_night >= n.night);
CREATE TRIGGER cluster_member_insert INSTEAD OF INSERT ON cluster_member
BEGIN
	INSERT OR IGNORE INTO graph_night(night) VALUES (NEW.night);
	INSERT INTO cluster_span(cluster_id, entity_id, first_night, last_night, rank)
		VALUES (NEW.cluster_id, NEW.entity_id, NEW.night, NEW.night, NEW.rank);
END;
-- Each score row keeps its entity's signature (graph/community.c: its
-- clustered links) on the night computed and on the night before, so a
-- night clusters again only what changed, and a re-run of the same night
-- compares with the same night before.
ALTER TABLE entity_score ADD COLUMN sig INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entity_score ADD COLUMN prev_sig INTEGER NOT NULL DEFAULT 0;

-- version 10
-- ingest: the buckets of the near-duplicate index (ingest/dedup.c), so
-- that a night reads the buckets its own reports fall in, not every
-- sketch ever stored.  A report_band row is a report that a bucket took
-- (a bucket takes its first 16 members; a band shared by thousands of
-- templated records says nothing): key is the bucket, the hash of one
-- band of the sketch, and band the band it came from.  report_sketch
-- holds, once for each report a bucket took, the first report of its
-- near-duplicate family (root) and its MinHash as in report.sketch: the
-- buckets' rows stay small, since a night's few thousand new rows land
-- all over them, while these are appended.  Both are written with each
-- file's reports, in its transaction.  built is 0 when this version
-- found reports stored already: the next ingest reads every sketch
-- once, as before, and writes their rows.
CREATE TABLE report_band (
	key  INTEGER NOT NULL,
	id   INTEGER NOT NULL REFERENCES report(id),
	band INTEGER NOT NULL,
	PRIMARY KEY (key, id, band)
) WITHOUT ROWID;
CREATE TABLE report_sketch (
	id     INTEGER PRIMARY KEY REFERENCES report(id),
	root   INTEGER NOT NULL,
	sketch BLOB NOT NULL
);
CREATE TABLE report_band_state (
	id    INTEGER PRIMARY KEY CHECK (id = 1),
	built INTEGER NOT NULL
);
INSERT INTO report_band_state(id, built) VALUES (1, NOT EXISTS (SELECT 1 FROM report));
-- The full-text index merges its segments 16 at a time, not 4: ingest
-- writes a segment per 8,192 new reports, and with 4 the index's data
-- was rewritten a level of merging more often (on 1,000,000 reports,
-- indexing 13.5 -> 9.2 s CPU; a search reads more segments: 2.5 -> 4 ms).
-- crisismerge is above automerge, so the merging stays incremental.
INSERT INTO report_fts(report_fts, rank) VALUES ('automerge', 16);
INSERT INTO report_fts(report_fts, rank) VALUES ('crisismerge', 64);

-- version 11
-- graph: PageRank is computed inside each cluster, over its links
-- without their weights, as betweenness is (graph/community.c), so a
-- cluster that did not change keeps both.  The district-wide figures
-- stored before are marked unknown (-1): the next night computes every
-- cluster's afresh.
UPDATE entity_score SET pagerank = -1;

-- version 12
-- analyze: how far the reports are analyzed.  Every report whose id is
-- at most through has its analyzed row: chunks are analyzed in report
-- order, and each writes this row in its own transaction; --all deletes
-- it with the stage's other tables.  A night starts after it, where it
-- counted both tables (0.6 s of reads on 1,000,000 reports, the cache
-- cold).  Without the row (a database from before), the counts decide.
CREATE TABLE analyze_mark (
	id      INTEGER PRIMARY KEY CHECK (id = 1),
	through INTEGER NOT NULL
);

-- version 13
-- graph: the stage reads every entity that is not merged (id, type, hub)
-- and the role of every mention that has one; both came from the wide
-- rows of their tables (the entity table's 1,500,000 rows with their
-- keys, names and attributes; the mention table's 3,900,000 with their
-- surfaces), 0.6 and 0.4 s of a night on 1,000,000 reports.  These two
-- narrow indexes hold what it reads: 0.2 and 0.1 s.
CREATE INDEX entity_graph ON entity(id, type, hub, merged_into) WHERE merged_into IS NULL;
CREATE INDEX mention_role ON mention(entity_id, role) WHERE role IS NOT NULL;

-- version 14
-- ingest: the full-text index keeps a night's pending terms in memory
-- up to 8 MB, not 1 MB (FTS5's hashsize), so each INSERT ... SELECT of
-- 8,192 new reports writes one segment, not two or three, and its
-- leaves are 16,000 bytes, not 4,050 (pgsz: a database page holds 16 KiB,
-- so one leaf a row, not four).  Indexing the 1,000,000 texts of the
-- bench district as ingest does: 7.6-7.9 s CPU -> 6.7-7.1 s.  The index
-- answers the same; segments written before keep their leaves.
INSERT INTO report_fts(report_fts, rank) VALUES ('hashsize', 8388608);
INSERT INTO report_fts(report_fts, rank) VALUES ('pgsz', 16000);

-- version 15
-- ingest: report_sketch keeps each report's day, the day number that
-- the near-duplicate rule compares (its occurrence, else its receipt:
-- ingest_report_day; -1 when neither is a date), so a candidate of
-- another week is ruled out without reading its report.  Templated
-- texts make candidates all over the history: one more night on
-- 1,000,000 reports read 11,871 stored reports' texts, each on a page
-- of its own, for 4 near-duplicates.  The rows stored before get their
-- day here, computed as day_from_civil (common/day.c) computes it.
ALTER TABLE report_sketch ADD COLUMN day INTEGER;
UPDATE report_sketch SET day = coalesce((
	SELECT era * 146097 + (yy - era * 400) * 365 + (yy - era * 400) / 4
	       - (yy - era * 400) / 100 + doy - 719468
	FROM (SELECT yy, doy, CASE WHEN yy >= 0 THEN yy / 400 ELSE (yy - 399) / 400 END AS era
	      FROM (SELECT CAST(substr(d, 1, 4) AS INTEGER) - (m <= 2) AS yy,
			   (153 * (m + CASE WHEN m > 2 THEN -3 ELSE 9 END) + 2) / 5 + dd - 1 AS doy
		    FROM (SELECT d, CAST(substr(d, 6, 2) AS INTEGER) AS m,
				 CAST(substr(d, 9, 2) AS INTEGER) AS dd
			  FROM (SELECT coalesce(r.occurred_at, r.received_at) AS d FROM report r
				WHERE r.id = report_sketch.id))
		    WHERE substr(d, 1, 10) GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
		      AND m BETWEEN 1 AND 12 AND dd BETWEEN 1 AND 31))), -1);

-- version 16
-- analyze: two indexes of the entity table that every new entity paid a
-- B-tree entry for, and no query needs whole: nothing looks entities up
-- by type alone (every reader comes by id or key, or scans), and the
-- only lookups by merged_into ask for a value, never for NULL, which is
-- nearly every row.  entity_merged keeps the merged persons only.  On
-- 15,000 reports the two cost 3% of the stage's instructions.
DROP INDEX entity_type;
DROP INDEX entity_merged;
CREATE INDEX entity_merged ON entity(merged_into) WHERE merged_into IS NOT NULL;

-- version 17
-- graph: the links as the stage reads them (id, ends, weight, first and
-- last seen) kept between nights in blocks of 4,096 link ids, and the
-- mentions (report, entity) in blocks of 4,096 report ids
-- (graph/rowblock.c), with the link ids and the report ids whose rows
-- were inserted, changed or deleted since.  The stage creates the
-- triggers that record those (graph_link_*, graph_mention_*) when it
-- first writes the blocks, so a first night's analyze pays nothing for
-- them, and trusts the blocks only while its triggers are there.  One
-- more night then reads the blocks and the few rows that changed, not
-- the link table's every row (2,300,000 on 1,000,000 reports) nor the
-- mention index's (3,900,000), and writes back only the blocks holding
-- a change.
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

-- version 18
-- output (warn): warn_report keeps whether a report has both coordinates
-- (geo), so that near_repeat finds the earlier crimes of its window that
-- can match by distance from the index below and reads no other crime's
-- report row: one more night on 1,000,000 reports read the rows of
-- 24,000 crimes for coordinates that none of them had.  The rows stored
-- before take theirs from their reports.
ALTER TABLE warn_report ADD COLUMN geo INTEGER NOT NULL DEFAULT 0;
UPDATE warn_report SET geo = 1 WHERE EXISTS (SELECT 1 FROM report r
	WHERE r.id = warn_report.report_id AND r.lat IS NOT NULL AND r.lon IS NOT NULL);
CREATE INDEX warn_report_geo ON warn_report(day) WHERE geo = 1;

-- version 19
-- graph: the mentions with a role carry their report in the index the
-- stage reads them from, so that a report naming an entity only as a
-- reporter or victim joins no series through it (graph/series.c), as
-- an entity only ever so named joins none.  The same entries, one
-- column wider.
DROP INDEX mention_role;
CREATE INDEX mention_role ON mention(entity_id, role, report_id) WHERE role IS NOT NULL;

-- version 20
-- graph: the entities as the stage reads them (id, type, hub; merged
-- ones left out) kept between nights in blocks of 4,096 ids, as the
-- links and mentions are (version 17), with the ids inserted, retyped,
-- made hubs, merged or deleted since (graph/model.c creates the
-- triggers that record them).  One more night on 1,000,000 reports read
-- the narrow index of all 1,500,000 entities to find 19,000 new ones.
CREATE TABLE graph_entity_block (
	block INTEGER PRIMARY KEY,              -- entity id / 4096
	data  BLOB NOT NULL
);
CREATE TABLE graph_entity_dirty (
	entity_id INTEGER PRIMARY KEY
);
