-- per pull request: ready, first review, first approval, merge; calendar and working hours of pickup, review and merge
--
-- item_id: the pull request
-- key: owner/repo#number
-- repo: owner/repo
-- author: the person who opened it
-- team: its team (the author's team at its opening when the item has none)
-- created_at: when it was opened
-- ready_at: when it left draft (its opening when never a draft; NULL while a draft)
-- first_review_at: the first review by someone other than the author or a bot
-- first_approval_at: the first approving review
-- merged_at: when it was merged
-- closed_at: when it was closed
-- pickup_hours: calendar hours from ready to the first review
-- review_hours: calendar hours from the first review to the first approval
-- merge_hours: calendar hours from the first approval (else ready) to the merge
-- approved: approved before the merge (or at all while open)
-- unreviewed_merge: merged without an approving review by someone other than the author (bots' do not count) before the merge; the one definition of unreviewed merges
-- pickup_work_hours: pickup_hours in working hours
-- review_work_hours: review_hours in working hours
-- merge_work_hours: merge_hours in working hours
-- url: its address
-- author_bot: true when the author is a bot
--
-- @order 10
-- @table
-- @stable
-- @dialect duckdb
WITH pr AS (
	SELECT p.item_id, it.key, p.repo, it.url, a.person_id AS author,
		coalesce(it.team, team_at(a.person_id, p.created_at)) AS team,
		p.created_at, p.merged_at, p.closed_at,
		CASE WHEN p.ready_at IS NOT NULL THEN greatest(p.ready_at, p.created_at)
			WHEN coalesce(p.draft, false) AND p.merged_at IS NULL THEN NULL
			ELSE p.created_at END AS ready_at,
		coalesce(a.is_bot, false) AS author_bot
	FROM pull_requests p JOIN items it USING (item_id)
	LEFT JOIN v_identity a ON a.identity_id = p.author_id
),
rv AS (
	SELECT pr.item_id,
		min(greatest(r.submitted_at, pr.created_at)) AS first_review_at,
		min(greatest(r.submitted_at, pr.created_at)) FILTER (WHERE r.state = 'APPROVED') AS first_approval_at
	FROM pr JOIN reviews r USING (item_id) JOIN v_identity v ON v.identity_id = r.reviewer_id
	WHERE r.submitted_at IS NOT NULL AND NOT v.is_bot AND v.person_id IS DISTINCT FROM pr.author
	GROUP BY pr.item_id
),
ph AS (
	SELECT pr.*, rv.first_review_at, rv.first_approval_at,
		CASE WHEN rv.first_review_at IS NOT NULL THEN greatest(rv.first_review_at, pr.ready_at) END AS pick_end
	FROM pr LEFT JOIN rv USING (item_id)
)
SELECT item_id, key, repo, author, team, created_at, ready_at, first_review_at, first_approval_at,
	merged_at, closed_at,
	nonneg(epoch(pick_end) - epoch(ready_at)) / 3600.0 AS pickup_hours,
	nonneg(epoch(first_approval_at) - epoch(first_review_at)) / 3600.0 AS review_hours,
	nonneg(epoch(merged_at) - epoch(coalesce(first_approval_at, ready_at))) / 3600.0 AS merge_hours,
	first_approval_at IS NOT NULL AND first_approval_at <= coalesce(merged_at, 'infinity'::TIMESTAMPTZ) AS approved,
	merged_at IS NOT NULL AND NOT coalesce(first_approval_at <= merged_at, false) AS unreviewed_merge,
	work_hours(ready_at, pick_end) AS pickup_work_hours,
	work_hours(first_review_at, first_approval_at) AS review_work_hours,
	work_hours(coalesce(first_approval_at, ready_at), merged_at) AS merge_work_hours,
	url, author_bot
FROM ph
