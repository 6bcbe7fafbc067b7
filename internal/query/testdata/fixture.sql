-- A hand-built organisation for the query tests: two teams (platform,
-- growth), four people, and the documented views filled as tables with the
-- columns of the contract, so every named question has known answers.
INSERT INTO people VALUES
	('alice', 'Alice Martin', 'alice@acme.test', false),
	('bob', 'Bob Stone', 'bob@acme.test', false),
	('carol', 'Carol Diaz', 'carol@acme.test', false),
	('dave', 'Dave Ito', 'dave@acme.test', false);
INSERT INTO identities VALUES
	('gh/1', 'gh', '1', 'alice-m', NULL, 'Alice M', false, true, 'alice'),
	('gh/2', 'gh', '2', 'bobstone', NULL, 'Bob S', false, true, 'bob'),
	('gh/3', 'gh', '3', 'carold', NULL, NULL, false, true, 'carol'),
	('gh/4', 'gh', '4', 'dito', NULL, NULL, false, true, 'dave'),
	('gh/9', 'gh', '9', 'renovate[bot]', NULL, NULL, true, true, NULL);
INSERT INTO teams VALUES ('platform'), ('growth');
INSERT INTO team_members VALUES
	('platform', 'alice', NULL, NULL), ('platform', 'bob', NULL, NULL),
	('growth', 'carol', NULL, NULL), ('growth', 'dave', NULL, NULL);
INSERT INTO sprints VALUES
	('j:1', 'j', '7', 'PLAT 1', 'closed', '2026-09-07 09:00:00+00', '2026-09-21 09:00:00+00', '2026-09-21 10:00:00+00', NULL),
	('j:2', 'j', '7', 'PLAT 2', 'closed', '2026-09-21 09:00:00+00', '2026-10-05 09:00:00+00', '2026-10-05 10:00:00+00', NULL),
	('j:3', 'j', '7', 'PLAT 3', 'active', '2026-10-05 09:00:00+00', '2026-10-19 09:00:00+00', NULL, NULL);
INSERT INTO sprint_items VALUES
	('j:1', 'j:101', NULL, NULL, true, false), ('j:2', 'j:101', NULL, NULL, true, false),
	('j:3', 'j:101', NULL, NULL, true, false), ('j:1', 'j:102', NULL, NULL, true, false),
	('j:2', 'j:102', NULL, NULL, true, true);
INSERT INTO runs (run_id, started_at, finished_at, from_ts, to_ts, config_hash) VALUES
	('2026-09-01..2026-10-01', '2026-10-01 06:00:00+00', '2026-10-01 06:01:00+00', '2026-09-01 00:00:00+00', '2026-10-01 00:00:00+00', 'h1'),
	('2026-10-01..2026-11-01', '2026-11-01 06:00:00+00', '2026-11-01 06:01:00+00', '2026-10-01 00:00:00+00', '2026-11-01 00:00:00+00', 'h1');
-- Monthly runs: the health trend reads each month's own run.
INSERT INTO runs (run_id, from_ts, to_ts) SELECT
	strftime(m, '%Y-%m-%d') || '..' || strftime(m + INTERVAL 1 MONTH, '%Y-%m-%d'), m, m + INTERVAL 1 MONTH
	FROM (SELECT unnest(['2026-04-01'::TIMESTAMPTZ, '2026-05-01', '2026-06-01', '2026-07-01', '2026-08-01']) AS m);
INSERT INTO metrics VALUES
	('2026-04-01..2026-05-01', 'team', 'platform', 'review_pickup_p85_hours', 'all', 30, 10),
	('2026-05-01..2026-06-01', 'team', 'platform', 'review_pickup_p85_hours', 'all', 28, 11),
	('2026-06-01..2026-07-01', 'team', 'platform', 'review_pickup_p85_hours', 'all', 26.5, 12),
	('2026-07-01..2026-08-01', 'team', 'platform', 'review_pickup_p85_hours', 'all', 31, 9),
	('2026-08-01..2026-09-01', 'team', 'platform', 'review_pickup_p85_hours', 'all', 35.25, 14),
	('2026-09-01..2026-10-01', 'team', 'platform', 'review_pickup_p85_hours', 'all', 40, 13),
	('2026-10-01..2026-11-01', 'team', 'platform', 'review_pickup_p85_hours', 'all', 44.125, 15),
	('2026-10-01..2026-11-01', 'team', 'growth', 'review_pickup_p85_hours', 'all', 12, 8),
	('2026-09-01..2026-10-01', 'team', 'growth', 'review_pickup_p85_hours', 'all', 14, 6),
	('2026-10-01..2026-11-01', 'team', 'growth', 'review_pickup_p85_hours', '2026-W41', 99, 2);
INSERT INTO pull_requests (item_id, repo, number, author_id, created_at) VALUES
	('gh:acme/api#7', 'acme/api', 7, 'gh/4', '2026-10-20 15:30:00+00');

CREATE TABLE v_identity AS
	SELECT identity_id, source, login, display_name, coalesce(person_id, identity_id) AS person_id, is_bot
	FROM identities;

CREATE TABLE v_items AS SELECT * FROM (VALUES
	('j:101', 'j', 'issue', 'PLAT-101', 'PLAT', 'Rotate signing keys', 'Story', 'In Progress', 'indeterminate', 'platform', 'alice', 'bob', TIMESTAMPTZ '2026-09-01 09:00:00+00', NULL::TIMESTAMPTZ, 3.0, ['security'], 'https://jira.test/browse/PLAT-101'),
	('j:102', 'j', 'issue', 'PLAT-102', 'PLAT', 'Migrate the queue | part 2', 'Story', 'Done', 'done', 'platform', 'bob', 'bob', TIMESTAMPTZ '2026-09-02 09:00:00+00', TIMESTAMPTZ '2026-10-03 12:00:00+00', 5.0, [], 'https://jira.test/browse/PLAT-102'),
	('j:201', 'j', 'issue', 'GROW-201', 'GROW', 'Onboarding "wizard"', 'Story', 'Awaiting Approval', 'indeterminate', 'growth', 'carol', 'dave', TIMESTAMPTZ '2026-10-10 09:00:00+00', NULL, NULL, NULL, 'https://jira.test/browse/GROW-201'),
	('gh:acme/api#7', 'gh', 'pull_request', 'acme/api#7', 'acme/api', 'Add rate limits', NULL, 'open', 'indeterminate', 'platform', NULL, 'dave', TIMESTAMPTZ '2026-10-20 15:30:00+00', NULL, NULL, NULL, 'https://github.test/acme/api/pull/7')
) t(item_id, source, kind, key, container, title, type, status, status_category, team, assignee, reporter, created_at, resolved_at, story_points, labels, url);

CREATE TABLE v_status_intervals AS SELECT * FROM (VALUES
	('j:101', 'PLAT-101', 'platform', 'To Do', 'new', TIMESTAMPTZ '2026-09-01 09:00:00+00', TIMESTAMPTZ '2026-09-03 09:00:00+00', 48.0, 16.0),
	('j:101', 'PLAT-101', 'platform', 'In Progress', 'active', TIMESTAMPTZ '2026-09-03 09:00:00+00', TIMESTAMPTZ '2026-09-10 09:00:00+00', 168.0, 40.0),
	('j:101', 'PLAT-101', 'platform', 'Blocked', 'blocked', TIMESTAMPTZ '2026-09-10 09:00:00+00', TIMESTAMPTZ '2026-10-12 09:00:00+00', 768.0, 184.0),
	('j:101', 'PLAT-101', 'platform', 'In Progress', 'active', TIMESTAMPTZ '2026-10-12 09:00:00+00', NULL, NULL, NULL),
	('j:201', 'GROW-201', 'growth', 'Awaiting Approval', 'decision', TIMESTAMPTZ '2026-10-20 09:00:00+00', NULL, NULL, NULL),
	('gh:acme/api#7', 'acme/api#7', 'platform', 'open', 'active', TIMESTAMPTZ '2026-10-20 15:30:00+00', NULL, NULL, NULL)
) t(item_id, key, team, status, state_class, start_at, end_at, hours, work_hours);

CREATE TABLE v_review_waits AS SELECT * FROM (VALUES
	('gh:acme/api#1', 'acme/api#1', 'acme/api', 'alice', 'platform', 'bob', 'platform', TIMESTAMPTZ '2026-10-01 10:00:00+00', TIMESTAMPTZ '2026-10-01 12:00:00+00', 2.0, 2.0, false),
	('gh:acme/api#2', 'acme/api#2', 'acme/api', 'alice', 'platform', 'bob', 'platform', TIMESTAMPTZ '2026-10-02 10:00:00+00', TIMESTAMPTZ '2026-10-05 10:00:00+00', 72.0, 24.0, false),
	('gh:acme/web#3', 'acme/web#3', 'acme/web', 'carol', 'growth', 'bob', 'platform', TIMESTAMPTZ '2026-10-06 10:00:00+00', TIMESTAMPTZ '2026-10-08 10:00:00+00', 48.0, 16.0, false),
	('gh:acme/web#4', 'acme/web#4', 'acme/web', 'dave', 'growth', 'bob', 'platform', TIMESTAMPTZ '2026-10-28 10:00:00+00', NULL, 86.0, 30.0, true),
	('gh:acme/api#5', 'acme/api#5', 'acme/api', 'bob', 'platform', 'alice', 'platform', TIMESTAMPTZ '2026-10-03 10:00:00+00', TIMESTAMPTZ '2026-10-03 11:30:00+00', 1.5, 1.5, false),
	('gh:acme/api#6', 'acme/api#6', 'acme/api', 'bob', 'platform', 'carol', 'growth', TIMESTAMPTZ '2026-09-15 10:00:00+00', TIMESTAMPTZ '2026-09-16 10:00:00+00', 24.0, 8.0, false),
	('gh:acme/web#8', 'acme/web#8', 'acme/web', 'dave', 'growth', 'team:growth', 'growth', TIMESTAMPTZ '2026-10-09 10:00:00+00', TIMESTAMPTZ '2026-10-09 14:00:00+00', 4.0, 4.0, false)
) t(item_id, key, repo, author, author_team, reviewer, reviewer_team, requested_at, first_review_at, wait_hours, work_hours, open);

CREATE TABLE v_dependency_waits AS SELECT * FROM (VALUES
	('GROW-201', 'growth', 'PLAT-101', 'platform', TIMESTAMPTZ '2026-10-10 09:00:00+00', TIMESTAMPTZ '2026-10-15 09:00:00+00', 120.0, 24.0),
	('GROW-202', 'growth', 'PLAT-102', 'platform', TIMESTAMPTZ '2026-09-20 09:00:00+00', TIMESTAMPTZ '2026-10-03 12:00:00+00', 315.0, 72.0)
) t(waiting_key, waiting_team, blocker_key, blocker_team, start_at, end_at, hours, work_hours);

CREATE TABLE v_carryover AS SELECT * FROM (VALUES
	('j:101', 'PLAT-101', 'platform', 3, 3),
	('j:102', 'PLAT-102', 'platform', 2, 2)
) t(item_id, key, team, sprints, consecutive);

CREATE TABLE v_sprint_commitment AS SELECT * FROM (VALUES
	('j:s1', 'PLAT Sprint 1', 'platform', 10, 8, 0, 2, true, TIMESTAMPTZ '2026-09-14 09:00:00+00'),
	('j:s2', 'PLAT Sprint 2', 'platform', 10, 7, 2, 4, true, TIMESTAMPTZ '2026-09-28 09:00:00+00'),
	('j:s3', 'PLAT Sprint 3', 'platform', 8, 7, 0, 1, true, TIMESTAMPTZ '2026-10-12 09:00:00+00'),
	('j:s4', 'PLAT Sprint 4', 'platform', 9, 0, 1, NULL, false, NULL),
	('j:s5', 'GROW Sprint 1', 'growth', 6, 6, 0, 0, true, TIMESTAMPTZ '2026-10-05 09:00:00+00')
) t(sprint_id, sprint, team, committed, completed, added, carried_over, ended, ended_at);

CREATE TABLE v_blocked AS SELECT * FROM (VALUES
	('j:101', 'PLAT-101', 'platform', TIMESTAMPTZ '2026-09-10 09:00:00+00', TIMESTAMPTZ '2026-10-12 09:00:00+00', 768.0, 184.0, 'status', NULL, NULL),
	('j:201', 'GROW-201', 'growth', TIMESTAMPTZ '2026-10-10 09:00:00+00', TIMESTAMPTZ '2026-10-15 09:00:00+00', 120.0, 24.0, 'link', 'PLAT-101', 'platform'),
	('j:203', 'GROW-203', 'growth', TIMESTAMPTZ '2026-10-20 09:00:00+00', NULL, 280.0, 72.0, 'link', 'PLAT-105', 'platform'),
	('j:204', 'GROW-204', 'growth', TIMESTAMPTZ '2026-10-21 09:00:00+00', TIMESTAMPTZ '2026-10-22 09:00:00+00', 24.0, 8.0, 'flag', NULL, NULL)
) t(item_id, key, team, start_at, end_at, hours, work_hours, reason, blocker_key, blocker_team);

CREATE TABLE v_decisions AS SELECT * FROM (VALUES
	('j:210', 'GROW-210', 'growth', 'Awaiting Approval', TIMESTAMPTZ '2026-10-01 09:00:00+00', TIMESTAMPTZ '2026-10-06 09:00:00+00', 'carol', 120.0, 24.0, false),
	('j:211', 'GROW-211', 'growth', 'Awaiting Approval', TIMESTAMPTZ '2026-10-05 09:00:00+00', TIMESTAMPTZ '2026-10-15 09:00:00+00', 'carol', 240.0, 48.0, false),
	('j:212', 'GROW-212', 'growth', 'Awaiting Approval', TIMESTAMPTZ '2026-10-07 09:00:00+00', TIMESTAMPTZ '2026-10-07 15:00:00+00', 'dave', 6.0, 6.0, false),
	('j:213', 'GROW-213', 'growth', 'Awaiting Approval', TIMESTAMPTZ '2026-10-08 09:00:00+00', TIMESTAMPTZ '2026-10-08 10:00:00+00', 'gh/9', 1.0, 1.0, false),
	('j:201', 'GROW-201', 'growth', 'Awaiting Approval', TIMESTAMPTZ '2026-10-20 09:00:00+00', NULL, 'carol', 288.0, 72.0, true)
) t(item_id, key, team, state, entered_at, decided_at, decider, hours, work_hours, open);

CREATE TABLE v_findings AS SELECT * FROM (VALUES
	('2026-10-01..2026-11-01', 'approval_bottleneck', 'critical', 'platform', 'person', 'bob', 0.9, 'one reviewer took 57% of review requests', '{"values": {"share": 0.57}, "people": ["bob", "alice"]}'::JSON, TIMESTAMPTZ '2026-10-01 00:00:00+00', TIMESTAMPTZ '2026-11-01 00:00:00+00'),
	('2026-10-01..2026-11-01', 'dependency_delay', 'warn', 'growth', 'team_pair', 'growth/platform', 0.6, 'growth waited 4 working days on platform', '{"values": {"p50_hours": 48}}'::JSON, TIMESTAMPTZ '2026-10-01 00:00:00+00', TIMESTAMPTZ '2026-11-01 00:00:00+00'),
	('2026-10-01..2026-11-01', 'decision_latency', 'warn', 'growth', 'person', 'carol', 0.7, 'approvals took 6 working days', '{}'::JSON, TIMESTAMPTZ '2026-10-01 00:00:00+00', TIMESTAMPTZ '2026-11-01 00:00:00+00'),
	('2026-09-01..2026-10-01', 'approval_bottleneck', 'warn', 'platform', 'person', 'bob', 0.5, 'older run', '{}'::JSON, TIMESTAMPTZ '2026-09-01 00:00:00+00', TIMESTAMPTZ '2026-10-01 00:00:00+00')
) t(run_id, pattern, severity, team, subject_kind, subject, score, summary, evidence, from_ts, to_ts);

-- The views compute hours as DOUBLE; the literals above are DECIMAL.
ALTER TABLE v_items ALTER story_points TYPE DOUBLE;
ALTER TABLE v_status_intervals ALTER hours TYPE DOUBLE;
ALTER TABLE v_status_intervals ALTER work_hours TYPE DOUBLE;
ALTER TABLE v_review_waits ALTER wait_hours TYPE DOUBLE;
ALTER TABLE v_review_waits ALTER work_hours TYPE DOUBLE;
ALTER TABLE v_dependency_waits ALTER hours TYPE DOUBLE;
ALTER TABLE v_dependency_waits ALTER work_hours TYPE DOUBLE;
ALTER TABLE v_blocked ALTER hours TYPE DOUBLE;
ALTER TABLE v_blocked ALTER work_hours TYPE DOUBLE;
ALTER TABLE v_decisions ALTER hours TYPE DOUBLE;
ALTER TABLE v_decisions ALTER work_hours TYPE DOUBLE;
ALTER TABLE v_findings ALTER score TYPE DOUBLE;
