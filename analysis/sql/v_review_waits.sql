-- per review request (person or team), the wait from request or ready-for-review to that reviewer's first review; open while unanswered
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
-- wait_hours: calendar hours waited, open ones up to env_now()
-- work_hours: the same in working hours
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
-- The rows come from v_review_waits_stable, rebuilt only when the data or the
-- config change; the hours of the open ones are measured here.
--
-- @order 11
-- @dialect duckdb
SELECT item_id, key, repo, author, author_team, reviewer, reviewer_team, requested_at, first_review_at,
	CASE WHEN open THEN greatest(epoch(env_now()) - epoch(requested_at), 0) / 3600.0 ELSE wait_hours END AS wait_hours,
	CASE WHEN open THEN work_hours(requested_at, env_now()) ELSE work_hours END AS work_hours,
	open, request_id, url, request_made_at, removed_at, dropped, author_bot
FROM v_review_waits_stable
