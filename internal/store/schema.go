package store

// migrations are applied in order; migrations[i] brings a database from
// schema version i to i+1. Append new versions, never edit a released one:
// a file written by an older systemic must migrate in place.
var migrations = []string{
	schemaV1,
	schemaV2,
	schemaV3,
	schemaV4,
	schemaV5,
}

// SchemaVersion is the schema version this build writes.
var SchemaVersion = len(migrations)

// schemaV1 is the store model of DESIGN.md, version 1. Person references
// (*_id columns naming people) hold identity ids ("<source>/<external id>");
// the identities table maps each to a person_id after identity merge.
const schemaV1 = `
CREATE TABLE sources (
	name         TEXT PRIMARY KEY,
	kind         TEXT NOT NULL,
	url          TEXT,
	last_sync_at TIMESTAMPTZ,
	last_status  TEXT,
	last_error   TEXT
);
CREATE TABLE sync_state (
	source     TEXT NOT NULL,
	scope      TEXT NOT NULL,
	cursor     TEXT,
	etag       TEXT,
	updated_at TIMESTAMPTZ,
	PRIMARY KEY (source, scope)
);
CREATE TABLE identities (
	identity_id  TEXT PRIMARY KEY,
	source       TEXT NOT NULL,
	external_id  TEXT NOT NULL,
	login        TEXT,
	email        TEXT,
	display_name TEXT,
	is_bot       BOOLEAN DEFAULT false,
	active       BOOLEAN DEFAULT true,
	person_id    TEXT
);
CREATE TABLE people (
	person_id    TEXT PRIMARY KEY,
	display_name TEXT,
	email        TEXT,
	is_bot       BOOLEAN DEFAULT false
);
CREATE TABLE teams (
	team TEXT PRIMARY KEY
);
CREATE TABLE team_members (
	team      TEXT NOT NULL,
	person_id TEXT NOT NULL,
	since     TIMESTAMPTZ,
	until     TIMESTAMPTZ
);
CREATE TABLE team_ownership (
	team   TEXT NOT NULL,
	source TEXT,
	kind   TEXT NOT NULL,  -- project, component, repo
	value  TEXT NOT NULL
);
CREATE TABLE items (
	item_id         TEXT PRIMARY KEY,
	source          TEXT NOT NULL,
	kind            TEXT NOT NULL,
	key             TEXT NOT NULL,
	container       TEXT,
	title           TEXT,
	type            TEXT,
	status          TEXT,
	status_category TEXT,
	priority        TEXT,
	assignee_id     TEXT,
	reporter_id     TEXT,
	team            TEXT,
	parent_key      TEXT,
	epic_key        TEXT,
	story_points    DOUBLE,
	labels          TEXT[],
	components      TEXT[],
	milestone       TEXT,
	created_at      TIMESTAMPTZ,
	updated_at      TIMESTAMPTZ,
	resolved_at     TIMESTAMPTZ,
	url             TEXT
);
-- item_events is the largest table by far: it has no primary key because
-- maintaining the index costs more than the page merge (delete the page's
-- event ids, then insert) that keeps event_id unique.
CREATE TABLE item_events (
	event_id    TEXT NOT NULL,
	item_id     TEXT NOT NULL,
	occurred_at TIMESTAMPTZ NOT NULL,
	actor_id    TEXT,
	kind        TEXT NOT NULL,
	field       TEXT,
	from_value  TEXT,
	to_value    TEXT,
	from_id     TEXT,
	to_id       TEXT
);
CREATE TABLE statuses (
	source          TEXT NOT NULL,
	status_id       TEXT NOT NULL,
	name            TEXT NOT NULL,
	status_category TEXT,
	PRIMARY KEY (source, status_id)
);
CREATE TABLE sprints (
	sprint_id   TEXT PRIMARY KEY,
	source      TEXT NOT NULL,
	board_id    TEXT,
	name        TEXT,
	state       TEXT,
	start_at    TIMESTAMPTZ,
	end_at      TIMESTAMPTZ,
	complete_at TIMESTAMPTZ,
	goal        TEXT
);
CREATE TABLE sprint_items (
	sprint_id           TEXT NOT NULL,
	item_id             TEXT NOT NULL,
	added_at            TIMESTAMPTZ,
	removed_at          TIMESTAMPTZ,
	committed           BOOLEAN,
	completed_in_sprint BOOLEAN,
	PRIMARY KEY (sprint_id, item_id)
);
CREATE TABLE links (
	from_item  TEXT NOT NULL,
	to_item    TEXT NOT NULL,
	type       TEXT NOT NULL,
	created_at TIMESTAMPTZ,
	removed_at TIMESTAMPTZ,
	PRIMARY KEY (from_item, to_item, type)
);
CREATE TABLE pull_requests (
	item_id       TEXT PRIMARY KEY,
	repo          TEXT NOT NULL,
	number        INTEGER NOT NULL,
	author_id     TEXT,
	draft         BOOLEAN,
	created_at    TIMESTAMPTZ,
	ready_at      TIMESTAMPTZ,
	merged_at     TIMESTAMPTZ,
	closed_at     TIMESTAMPTZ,
	merged_by_id  TEXT,
	additions     INTEGER,
	deletions     INTEGER,
	changed_files INTEGER,
	commits       INTEGER,
	base_ref      TEXT
);
CREATE TABLE reviews (
	review_id    TEXT PRIMARY KEY,
	item_id      TEXT NOT NULL,
	reviewer_id  TEXT,
	state        TEXT NOT NULL,
	submitted_at TIMESTAMPTZ
);
CREATE TABLE review_requests (
	request_id    TEXT PRIMARY KEY,
	item_id       TEXT NOT NULL,
	reviewer_id   TEXT,
	reviewer_team TEXT,
	requested_at  TIMESTAMPTZ NOT NULL,
	removed_at    TIMESTAMPTZ,
	requester_id  TEXT
);
CREATE TABLE comments (
	comment_id TEXT PRIMARY KEY,
	item_id    TEXT NOT NULL,
	author_id  TEXT,
	created_at TIMESTAMPTZ,
	kind       TEXT
);
CREATE TABLE runs (
	run_id      TEXT PRIMARY KEY,
	started_at  TIMESTAMPTZ,
	finished_at TIMESTAMPTZ,
	from_ts     TIMESTAMPTZ,
	to_ts       TIMESTAMPTZ,
	config_hash TEXT
);
CREATE TABLE metrics (
	run_id     TEXT NOT NULL,
	scope_kind TEXT NOT NULL,
	scope      TEXT NOT NULL,
	metric     TEXT NOT NULL,
	period     TEXT NOT NULL,
	value      DOUBLE,
	n          INTEGER
);
CREATE TABLE findings (
	run_id       TEXT NOT NULL,
	pattern      TEXT NOT NULL,
	severity     TEXT NOT NULL,
	team         TEXT,
	subject_kind TEXT,
	subject      TEXT,
	score        DOUBLE,
	summary      TEXT,
	evidence     JSON
);
CREATE TABLE health_snapshots (
	period TEXT NOT NULL,
	team   TEXT NOT NULL,
	metric TEXT NOT NULL,
	value  DOUBLE,
	n      INTEGER,
	PRIMARY KEY (period, team, metric)
);
`

// schemaV2 keeps each person's pseudonym number, so "person-7" stays the
// same person from one monthly report to the next when people join.
const schemaV2 = `
CREATE TABLE pseudonyms (
	person_id TEXT PRIMARY KEY,
	n         INTEGER NOT NULL UNIQUE
);
`

// schemaV3 records what each analysis run was computed from, so a report
// reuses a run only while the store's data, the config and the as-of time
// are those it was computed with (see DataVersion), and a run of some
// patterns only is never taken for a complete one.
const schemaV3 = `
ALTER TABLE runs ADD COLUMN data_version TEXT;
ALTER TABLE runs ADD COLUMN patterns TEXT;
`

// schemaV4 keeps the last successful sync of each source beside the last
// attempt: last_sync_at is now the last sync that ended ok, and
// last_attempt_at the last one whatever its outcome (last_status and
// last_error describe it). Rows written before did not tell the two
// apart: their time is the attempt's, and a success is known only when
// that attempt was ok.
const schemaV4 = `
ALTER TABLE sources ADD COLUMN last_attempt_at TIMESTAMPTZ;
UPDATE sources SET last_attempt_at = last_sync_at;
UPDATE sources SET last_sync_at = NULL WHERE coalesce(last_status, '') <> 'ok';
`

// schemaV5 records the fingerprint of the inputs of each run's window (see
// Store.WindowInputs) with its as-of time: a run is reused while its
// window's inputs are unchanged, whatever else a sync added. Runs written
// before have none and are analysed again once; data_version is no
// longer written.
const schemaV5 = `
ALTER TABLE runs ADD COLUMN inputs_version TEXT;
`
