// name: hashtag-campaigns
// title: Hashtags pushed by a small set of accounts
// category: coordination
// tags: [coordination, hashtags]
// mode: read
// description: >
//   Hashtags used at least $min_uses times where the $top_accounts most active accounts
//   made at least $min_top_share of all uses, with the busiest day. Organic hashtags are
//   spread over many voices; a campaign is a few accounts (or a network) repeating it.
//   One row per hashtag: uses, distinct accounts, the top accounts' share and who they are.
// parameters:
//   min_uses: {type: int, default: 5, description: total uses of the hashtag}
//   top_accounts: {type: int, default: 3, description: how many of the most active accounts to weigh}
//   min_top_share: {type: float, default: 0.8, description: share of uses made by those accounts}
// ---
// Neo4j Browser: set the parameters, then run the statement.
// :params {min_uses: 5, top_accounts: 3, min_top_share: 0.8}
MATCH (a:Account)-[:POSTED]->(p:Post)-[:TAGS]->(h:Hashtag)
WITH h, a, count(p) AS uses
ORDER BY uses DESC, a.handle
WITH h, collect({account: a.handle, uses: uses}) AS users, sum(uses) AS total
WHERE total >= $min_uses
WITH h, users, total,
     reduce(s = 0, u IN users[..$top_accounts] | s + u.uses) AS top_uses
WITH h, users, total, toFloat(top_uses) / total AS top_share
WHERE top_share >= $min_top_share
MATCH (h)<-[:TAGS]-(p:Post)
WITH h, users, total, top_share, date(p.created_at) AS day, count(*) AS per_day
ORDER BY per_day DESC, day
WITH h, users, total, top_share, collect({day: toString(day), uses: per_day})[0] AS peak
RETURN '#' + h.tag AS hashtag, total AS uses, size(users) AS accounts,
       round(top_share, 3) AS top_share, [u IN users[..$top_accounts] | u.account] AS top,
       peak.day AS peak_day, peak.uses AS peak_day_uses
ORDER BY top_share DESC, uses DESC, hashtag
