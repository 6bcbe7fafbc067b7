-- every finding of every analyze run, newest run first
--
-- run_id: the run, "<from>..<to>" of its window
-- pattern: the pattern family
-- severity: info, warn or critical
-- team: the team it concerns
-- subject_kind: team, person, team_pair, repo or item
-- subject: who or what it is about
-- score: 0..1, higher is stronger
-- summary: one sentence for a reader
-- evidence: the measured values, items and episode as JSON
-- from_ts: start of the run's window
-- to_ts: end of the run's window (exclusive)
--
-- @order 100
-- @dialect portable
SELECT f.*, r.from_ts, r.to_ts FROM findings f JOIN runs r USING (run_id)
ORDER BY r.started_at DESC, f.score DESC
