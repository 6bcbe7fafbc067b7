package analysis

// The review facts: one row per review request with how long it waited for
// that reviewer, and one row per pull request with its phases. Both clamp
// clock skew (a review or request dated before the pull request was opened
// counts from the opening) and measure open waits up to env_now().
func init() {
	RegisterPrelude(2, func(*Env) []string { return []string{teamAtMacro, nonnegMacro} })
	RegisterDerived(Derived{
		Name:  "v_review_waits",
		Doc:   "per review request (person or team), the wait from request or ready-for-review to that reviewer's first review; open while unanswered",
		Order: 10,
		Table: true,
		SQL:   reviewWaitsSQL,
	})
	RegisterDerived(Derived{
		Name:  "v_pr_phases",
		Doc:   "per pull request: ready, first review, first approval, merge; calendar and working hours of pickup, review and merge",
		Order: 10,
		Table: true,
		SQL:   prPhasesSQL,
	})
}

// teamAtMacro defines team_at(person, t): the team person was a member of
// at instant t (the alphabetically first when several), else the current
// team, so work done before a move counts for the team of the time.
const teamAtMacro = `CREATE OR REPLACE MACRO team_at(person, t) AS coalesce(
	(SELECT min(m.team) FROM team_members m WHERE m.person_id = person
		AND (m.since IS NULL OR m.since <= t) AND (m.until IS NULL OR m.until > t)),
	(SELECT min(m.team) FROM team_members m WHERE m.person_id = person AND m.until IS NULL))`

// nonnegMacro defines nonneg(x): x clamped at 0, NULL kept (greatest
// skips NULLs, which would turn "not yet" into 0).
const nonnegMacro = `CREATE OR REPLACE MACRO nonneg(x) AS CASE WHEN x < 0 THEN 0 ELSE x END`

// reviewWaitsSQL: a request's wait starts when it was made, or when the
// pull request left draft if that came later, never before the pull
// request existed. It ends at the reviewer's first review after the start
// (for a team request: the first review by someone now in that team), else at
// the request's removal, the pull request's close, or now (open). Bots are
// left out as reviewers.
const reviewWaitsSQL = `WITH pr AS (
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
	greatest(epoch(CASE WHEN isinf(end_at) THEN env_now() ELSE end_at END) - epoch(start_at), 0) / 3600.0 AS wait_hours,
	work_hours(start_at, CASE WHEN isinf(end_at) THEN env_now() ELSE end_at END) AS work_hours,
	isinf(end_at) AS open,
	request_id, url, requested_at AS request_made_at, removed_at,
	first_review_at IS NULL AND NOT isinf(end_at) AS dropped, author_bot
FROM ended`

// prPhasesSQL: ready is when the pull request left draft (its creation
// when it never was one; NULL while still a draft). Reviews by the author
// and by bots do not count. pickup runs from ready to the first review,
// review from the first review to the first approval, merge from the first
// approval (else ready) to the merge; *_work_hours are the same in working
// time. unreviewed_merge: merged with no review by anyone else before.
const prPhasesSQL = `WITH pr AS (
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
		min(greatest(r.submitted_at, pr.created_at)) FILTER (WHERE r.state = 'APPROVED') AS first_approval_at,
		count(*) FILTER (WHERE r.submitted_at <= coalesce(pr.merged_at, 'infinity'::TIMESTAMPTZ)) AS reviews_before_merge
	FROM pr JOIN reviews r USING (item_id) JOIN v_identity v ON v.identity_id = r.reviewer_id
	WHERE r.submitted_at IS NOT NULL AND NOT v.is_bot AND v.person_id IS DISTINCT FROM pr.author
	GROUP BY pr.item_id
),
ph AS (
	SELECT pr.*, rv.first_review_at, rv.first_approval_at,
		CASE WHEN rv.first_review_at IS NOT NULL THEN greatest(rv.first_review_at, pr.ready_at) END AS pick_end,
		coalesce(rv.reviews_before_merge, 0) AS reviews_before_merge
	FROM pr LEFT JOIN rv USING (item_id)
)
SELECT item_id, key, repo, author, team, created_at, ready_at, first_review_at, first_approval_at,
	merged_at, closed_at,
	nonneg(epoch(pick_end) - epoch(ready_at)) / 3600.0 AS pickup_hours,
	nonneg(epoch(first_approval_at) - epoch(first_review_at)) / 3600.0 AS review_hours,
	nonneg(epoch(merged_at) - epoch(coalesce(first_approval_at, ready_at))) / 3600.0 AS merge_hours,
	first_approval_at IS NOT NULL AND first_approval_at <= coalesce(merged_at, 'infinity'::TIMESTAMPTZ) AS approved,
	merged_at IS NOT NULL AND reviews_before_merge = 0 AS unreviewed_merge,
	work_hours(ready_at, pick_end) AS pickup_work_hours,
	work_hours(first_review_at, first_approval_at) AS review_work_hours,
	work_hours(coalesce(first_approval_at, ready_at), merged_at) AS merge_work_hours,
	url, author_bot
FROM ph`
