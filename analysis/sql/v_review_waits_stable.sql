-- v_review_waits as built once per data and config: its open waits have no hours yet
--
-- item_id: the pull request
-- key: owner/repo#number
-- repo: owner/repo
-- author: the person who opened it
-- author_team: the author's team when the wait started
-- reviewer: the person asked, or "team:<github team>"
-- reviewer_team: the reviewer's team when the wait started (the owning team of a GitHub team)
-- requested_at: when the wait started: the request, or the end of draft when later
-- first_review_at: that reviewer's first review after it (NULL when none)
-- wait_hours: calendar hours waited (NULL while open)
-- work_hours: the same in working hours (NULL while open)
-- open: still waiting
-- request_id: the request
-- url: the pull request's address
-- request_made_at: when the request itself was made
-- removed_at: when the request was withdrawn
-- dropped: ended without a review (withdrawn or the pull request closed)
-- author_bot: true when the author is a bot
--
-- A request's wait starts when it was made, or when the pull request left
-- draft if that came later, never before the pull request existed. It ends at
-- the reviewer's first review after the start (for a team request: the first
-- review by someone now in that team), else at the request's removal, the
-- pull request's close, or now (open). Bots are left out as reviewers.
--
-- @order 10
-- @table
-- @stable
-- @dialect duckdb
WITH pr AS (
	SELECT p.item_id, it.key, p.repo, it.url, p.created_at, p.ready_at, p.draft,
		coalesce(p.merged_at, p.closed_at, CASE WHEN it.status_category = 'done' THEN it.resolved_at END) AS ended_at,
		a.person_id AS author, coalesce(a.is_bot, false) AS author_bot
	FROM pull_requests p JOIN items it USING (item_id)
	LEFT JOIN v_identity a ON a.identity_id = p.author_id
),
rv AS (
	SELECT r.item_id, v.person_id AS reviewer, r.submitted_at, r.state
	FROM reviews r JOIN v_identity v ON v.identity_id = r.reviewer_id
	WHERE r.submitted_at IS NOT NULL AND NOT v.is_bot
),
rq AS (
	SELECT q.request_id, q.item_id, q.requested_at, q.removed_at,
		CASE WHEN q.reviewer_id IS NOT NULL THEN v.person_id ELSE 'team:' || q.reviewer_team END AS reviewer,
		q.reviewer_team AS gh_team, coalesce(v.is_bot, false) AS reviewer_bot
	FROM review_requests q LEFT JOIN v_identity v ON v.identity_id = q.reviewer_id
	WHERE q.reviewer_id IS NOT NULL OR q.reviewer_team IS NOT NULL
),
started AS (
	SELECT rq.*, pr.key, pr.repo, pr.url, pr.author, pr.author_bot, pr.ended_at, pr.created_at,
		greatest(rq.requested_at, coalesce(pr.created_at, rq.requested_at),
			CASE WHEN pr.ready_at > rq.requested_at THEN pr.ready_at ELSE rq.requested_at END) AS start_at,
		CASE WHEN rq.gh_team IS NOT NULL THEN (SELECT min(o.team) FROM team_ownership o
			WHERE o.kind = 'github_team' AND (o.value = rq.gh_team OR o.value = split_part(rq.gh_team, '/', 2))) END AS owning_team
	FROM rq JOIN pr USING (item_id)
	WHERE NOT rq.reviewer_bot
),
answered AS (
	SELECT s.request_id,
		min(greatest(rp.submitted_at, coalesce(s.created_at, rp.submitted_at))) AS first_review_at
	FROM started s JOIN (SELECT rv.*, p.team FROM rv LEFT JOIN v_people p ON p.person_id = rv.reviewer) rp
		ON rp.item_id = s.item_id
		AND greatest(rp.submitted_at, coalesce(s.created_at, rp.submitted_at)) >= s.start_at
		AND rp.reviewer <> coalesce(s.author, '')
		AND (rp.reviewer = s.reviewer OR (s.gh_team IS NOT NULL
			AND rp.team = coalesce(s.owning_team, split_part(s.gh_team, '/', 2))))
	GROUP BY s.request_id
),
ended AS (
	SELECT s.*, a.first_review_at,
		team_at(s.author, s.start_at) AS author_team,
		CASE WHEN s.gh_team IS NOT NULL THEN coalesce(s.owning_team, split_part(s.gh_team, '/', 2))
			ELSE team_at(s.reviewer, s.start_at) END AS reviewer_team,
		least(coalesce(a.first_review_at, 'infinity'::TIMESTAMPTZ),
			CASE WHEN s.removed_at IS NULL THEN 'infinity'::TIMESTAMPTZ ELSE greatest(s.removed_at, s.start_at) END,
			CASE WHEN s.ended_at IS NULL THEN 'infinity'::TIMESTAMPTZ ELSE greatest(s.ended_at, s.start_at) END) AS end_at
	FROM started s LEFT JOIN answered a USING (request_id)
)
SELECT item_id, key, repo, author, author_team, reviewer, reviewer_team,
	start_at AS requested_at, first_review_at,
	CASE WHEN NOT isinf(end_at) THEN greatest(epoch(end_at) - epoch(start_at), 0) / 3600.0 END AS wait_hours,
	CASE WHEN NOT isinf(end_at) THEN work_hours(start_at, end_at) END AS work_hours,
	isinf(end_at) AS open,
	request_id, url, requested_at AS request_made_at, removed_at,
	first_review_at IS NULL AND NOT isinf(end_at) AS dropped, author_bot
FROM ended
