#!/usr/bin/env python3
"""Builds the two fake-Jira dataset directories (cloud/, datacenter/) from the
real payloads in ../shared/realdata (see NOTICE). Run from this directory:
  python3 build.py /work/shared/realdata
Payload objects are copied unchanged; only the wrappers named in NOTICE are
written by hand."""
import csv, json, os, sys

csv.field_size_limit(10**9)
src = sys.argv[1]


def rows(name):
    with open(os.path.join(src, 'devlake/jira', name), newline='') as f:
        text = f.read().lstrip('\n')
    return list(csv.DictReader(text.splitlines(keepends=True)))


def write_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(obj, f, ensure_ascii=False, indent=1)
        f.write('\n')


def write_jsonl(path, objs):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        for o in objs:
            f.write(json.dumps(o, ensure_ascii=False) + '\n')


# Cloud: merico.atlassian.net issues, statuses and sprints (board 8).
cloud = 'cloud/jira'
write_json(cloud + '/serverInfo.json', {
    'baseUrl': 'https://merico.atlassian.net', 'version': '1001.0.0-SNAPSHOT',
    'versionNumbers': [1001, 0, 0], 'deploymentType': 'Cloud', 'buildNumber': 100250,
    'serverTitle': 'Jira'})
write_json(cloud + '/fields.json', [
    {'id': 'summary', 'key': 'summary', 'name': 'Summary', 'custom': False, 'schema': {'type': 'string', 'system': 'summary'}},
    {'id': 'customfield_10014', 'key': 'customfield_10014', 'name': 'Epic Link', 'custom': True,
     'schema': {'type': 'any', 'custom': 'com.pyxis.greenhopper.jira:gh-epic-link', 'customId': 10014}},
    {'id': 'customfield_10016', 'key': 'customfield_10016', 'name': 'Story point estimate', 'custom': True,
     'schema': {'type': 'number', 'custom': 'com.pyxis.greenhopper.jira:jsw-story-points', 'customId': 10016}},
    {'id': 'customfield_10020', 'key': 'customfield_10020', 'name': 'Sprint', 'custom': True,
     'schema': {'type': 'array', 'items': 'json', 'custom': 'com.pyxis.greenhopper.jira:gh-sprint', 'customId': 10020}},
    {'id': 'customfield_10021', 'key': 'customfield_10021', 'name': 'Flagged', 'custom': True,
     'schema': {'type': 'array', 'items': 'option', 'custom': 'com.atlassian.jira.plugin.system.customfieldtypes:multicheckboxes', 'customId': 10021}},
])
write_json(cloud + '/statuses.json', [json.loads(r['data']) for r in rows('_raw_jira_api_status.csv')])
issues = [json.loads(r['data']) for r in rows('_raw_jira_api_issues.csv')]
# Three issues whose real changelog pages (/issue/{id}/changelog) were
# recorded without the issue itself: a minimal hand-written issue around each.
hist = {}
for r in rows('_raw_jira_api_issue_changelogs.csv'):
    hist.setdefault(json.loads(r['input'])['issue_id'], []).append(json.loads(r['data']))
for n, (iid, hs) in enumerate(sorted(hist.items())):
    hs.sort(key=lambda h: (h['created'], int(h['id'])))
    issues.append({'id': str(iid), 'key': 'EE-%d' % (900 + n), 'self': 'https://merico.atlassian.net/rest/api/2/issue/%d' % iid,
                   'fields': {'summary': 'long changelog %d' % iid, 'project': {'key': 'EE'},
                              'issuetype': {'name': 'Task'},
                              'status': {'id': '10068', 'name': 'Done', 'statusCategory': {'key': 'done'}},
                              'created': hs[0]['created'], 'updated': hs[-1]['created'], 'labels': []},
                   'changelog': {'startAt': 0, 'maxResults': len(hs), 'total': len(hs), 'histories': hs}})
write_jsonl(cloud + '/issues.jsonl', issues)
write_json(cloud + '/boards.json', [{'id': 8, 'self': 'https://merico.atlassian.net/rest/agile/1.0/board/8',
                                     'name': 'EE board', 'type': 'scrum', 'location': {'projectKey': 'EE'}}])
write_jsonl(cloud + '/sprints.jsonl', [json.loads(r['data']) for r in rows('_raw_jira_api_sprints.csv')])

# Data Center: a Jira Server's issues with links, the DC field list, go-jira's
# statuses, boards and sprints (sprints moved onto a board of the project).
dc = 'datacenter/jira'
write_json(dc + '/serverInfo.json', {'baseUrl': 'http://3.81.151.94:8080', 'version': '8.20.0',
                                     'versionNumbers': [8, 20, 0], 'deploymentType': 'Server',
                                     'buildNumber': 820000, 'serverTitle': 'Jira'})
write_json(dc + '/fields.json', [json.loads(r['data']) for r in rows('_raw_jira_api_issue_fields.csv')])
with open(os.path.join(src, 'go-jira/all_statuses.json')) as f:
    write_json(dc + '/statuses.json', json.load(f))
write_jsonl(dc + '/issues.jsonl', [json.loads(r['data']) for r in rows('_raw_jira_api_issue_relationships.csv')])
with open(os.path.join(src, 'go-jira/all_boards.json')) as f:
    boards = json.load(f)['values']
boards.append({'id': 734, 'self': 'http://3.81.151.94:8080/rest/agile/1.0/board/734', 'name': 'DZFNK board',
               'type': 'scrum', 'location': {'projectKey': 'DZFNK0168'}})
write_json(dc + '/boards.json', boards)
with open(os.path.join(src, 'go-jira/sprints.json')) as f:
    write_jsonl(dc + '/sprints.jsonl', json.load(f)['values'])
