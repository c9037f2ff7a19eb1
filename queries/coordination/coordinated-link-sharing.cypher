// name: coordinated-link-sharing
// title: Accounts posting the same links within seconds of each other
// category: coordination
// tags: [coordination, links, timing]
// mode: read
// description: >
//   Pairs of accounts that posted the same URL within $window_seconds of each other for at
//   least $min_shared different URLs. Links shared by more than $max_sharers accounts are
//   skipped (a viral link is shared by everyone; it says nothing about coordination and
//   would explode the pair count). One row per pair: `shared_urls`, the closest gap in
//   seconds, and up to five example URLs. With a detection run ($run_id) the pairs with a
//   member of its flagged clusters come first (`flagged_members`: 1 or 2 of the pair),
//   tightest first (most shared URLs, then the closest gap). Start here for CooRnet-style
//   link coordination.
// parameters:
//   window_seconds: {type: int, default: 60, description: largest gap between the two posts}
//   min_shared: {type: int, default: 2, description: different URLs the pair must share in the window}
//   max_sharers: {type: int, default: 500, description: skip URLs posted by more accounts than this}
//   run_id: {type: string, description: "detection run whose flagged clusters' pairs come first (default - none)"}
//   limit: {type: int, default: 100, description: rows to return}
// ---
// Neo4j Browser: set the parameters, then run the statement.
// :params {window_seconds: 60, min_shared: 2, max_sharers: 500, run_id: null, limit: 100}
MATCH (url:Url)
WHERE count { (url)<-[:LINKS_TO]-(:Post) } <= $max_sharers
MATCH (a:Account)-[:POSTED]->(p1:Post)-[:LINKS_TO]->(url)<-[:LINKS_TO]-(p2:Post)<-[:POSTED]-(b:Account)
WHERE a.uid < b.uid AND abs(p1.ts - p2.ts) <= $window_seconds
WITH a, b, count(DISTINCT url) AS shared_urls, min(abs(p1.ts - p2.ts)) AS closest_seconds,
     collect(DISTINCT url.url) AS urls
WHERE shared_urls >= $min_shared
// 1 or 2 when one or both are members of the run's flagged clusters (0 without a run)
WITH a, b, shared_urls, closest_seconds, urls,
     count { (a)-[:IN_CLUSTER]->(:Cluster {run_id: $run_id, flagged: true}) } +
     count { (b)-[:IN_CLUSTER]->(:Cluster {run_id: $run_id, flagged: true}) } AS flagged_members
ORDER BY flagged_members > 0 DESC, shared_urls DESC, closest_seconds, a.handle, b.handle,
         a.uid, b.uid
LIMIT $limit
// example urls: the first five in order, so every server shows the same ones
UNWIND urls AS u
WITH a, b, shared_urls, closest_seconds, flagged_members, u ORDER BY u
WITH a, b, shared_urls, closest_seconds, flagged_members, collect(u)[..5] AS example_urls
RETURN a.handle AS account_a, b.handle AS account_b, a.uid AS uid_a, b.uid AS uid_b,
       shared_urls, closest_seconds, flagged_members, example_urls
ORDER BY flagged_members > 0 DESC, shared_urls DESC, closest_seconds, account_a, account_b,
         uid_a, uid_b
