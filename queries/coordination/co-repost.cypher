// name: co-repost
// title: Accounts reposting the same posts within seconds of each other
// category: coordination
// tags: [coordination, reposts, timing]
// mode: read
// description: >
//   Pairs of accounts that reposted the same original post within $window_seconds of each
//   other, for at least $min_shared different originals. Amplifier networks repost the
//   same few accounts in lockstep. One row per pair with the number of shared originals,
//   the closest gap, and up to five original post ids.
// parameters:
//   window_seconds: {type: int, default: 60, description: largest gap between the two reposts}
//   min_shared: {type: int, default: 2, description: different originals both must have reposted in the window}
//   limit: {type: int, default: 100, description: rows to return}
// ---
// Neo4j Browser: set the parameters, then run the statement.
// :params {window_seconds: 60, min_shared: 2, limit: 100}
MATCH (a:Account)-[:POSTED]->(r1:Post)-[:REPOST_OF]->(original:Post)<-[:REPOST_OF]-(r2:Post)<-[:POSTED]-(b:Account)
WHERE a.uid < b.uid AND abs(r1.ts - r2.ts) <= $window_seconds
WITH a, b, count(DISTINCT original) AS shared_originals,
     min(abs(r1.ts - r2.ts)) AS closest_seconds, collect(DISTINCT original.uid) AS originals
WHERE shared_originals >= $min_shared
WITH a, b, shared_originals, closest_seconds, originals
ORDER BY shared_originals DESC, closest_seconds, a.handle, b.handle, a.uid, b.uid
LIMIT $limit
// example originals: the first five in order, so every server shows the same ones
UNWIND originals AS o
WITH a, b, shared_originals, closest_seconds, o ORDER BY o
WITH a, b, shared_originals, closest_seconds, collect(o)[..5] AS example_originals
RETURN a.handle AS account_a, b.handle AS account_b, a.uid AS uid_a, b.uid AS uid_b,
       shared_originals, closest_seconds, example_originals
ORDER BY shared_originals DESC, closest_seconds, account_a, account_b, uid_a, uid_b
