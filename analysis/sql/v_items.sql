-- every item (Jira issue, pull request, GitHub issue) with its team and assignee as a person
--
-- item_id: the item, "<source>:<id>"
-- source: the tracker it is on
-- kind: issue or pull_request
-- key: its human key (PROJ-12, owner/repo#34)
-- container: its project or repository
-- title: its title
-- type: its issue type (Story, Bug, ...; NULL for pull requests)
-- status: its current status
-- status_category: the category of that status: new, indeterminate or done
-- team: the team owning it
-- assignee: the person assigned now
-- reporter: the person who reported or opened it
-- created_at: when it was created
-- resolved_at: when it was resolved (NULL while open)
-- story_points: its estimate
-- labels: its current labels
-- components: its components
-- epic_key: the key of its epic
-- parent_key: the key of its parent
-- milestone: its milestone or fix version
-- url: its address in the tracker
--
-- @order -10
-- @dialect portable
SELECT it.item_id, it.source, it.kind, it.key, it.container, it.title, it.type, it.status,
	it.status_category, it.team, a.person_id AS assignee, r.person_id AS reporter, it.created_at,
	it.resolved_at, it.story_points, it.labels, it.components, it.epic_key, it.parent_key, it.milestone, it.url
FROM items it
LEFT JOIN v_identity a ON a.identity_id = it.assignee_id
LEFT JOIN v_identity r ON r.identity_id = it.reporter_id
