-- review-load: per reviewer: review requests, pickup time in working hours (median, P85), open requests and share of all requests
PREPARE review_load AS
WITH w AS (
	SELECT * FROM v_review_waits
	WHERE ($team = '' OR reviewer_team = $team)
		AND ($from IS NULL OR requested_at >= $from)
		AND ($to IS NULL OR requested_at < $to)
)
SELECT reviewer, mode(reviewer_team) AS team, count(*) AS requests,
	median(work_hours) FILTER (WHERE NOT open) AS pickup_p50_work_hours,
	quantile_cont(work_hours, 0.85) FILTER (WHERE NOT open) AS pickup_p85_work_hours,
	count(*) FILTER (WHERE open) AS open_requests,
	(epoch($now) - epoch(min(requested_at) FILTER (WHERE open))) / 86400.0 AS oldest_open_days,
	count(*) / sum(count(*)) OVER () AS share
FROM w
GROUP BY reviewer
ORDER BY requests DESC, reviewer
LIMIT $limit;
EXECUTE review_load("from" := TIMESTAMPTZ '2026-10-01T00:00:00Z', "limit" := 20, "now" := TIMESTAMPTZ '2026-11-01T00:00:00Z', "team" := 'plat''form', "to" := TIMESTAMPTZ '2026-11-01T00:00:00Z');
