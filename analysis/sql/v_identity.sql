-- each account on each source with the person it belongs to (identity merge)
--
-- identity_id: the account, "<source>/<account id>"
-- source: the tracker it is on (jira, gh, ...)
-- login: its login or account name
-- display_name: its display name on that source
-- person_id: the person it belongs to (the identity itself when unmerged)
-- is_bot: true when the account or its person is a bot
--
-- @order -20
-- @dialect portable
SELECT i.identity_id, i.source, i.login, i.display_name,
	coalesce(i.person_id, i.identity_id) AS person_id,
	coalesce(i.is_bot, false) OR coalesce(p.is_bot, false) AS is_bot
FROM identities i LEFT JOIN people p ON p.person_id = i.person_id
