// name: group-posters
// title: Groups - who posts in them, and their ties to flagged clusters
// category: pages
// tags: [groups, facebook, detection, seed-case]
// mode: read
// description: >
//   Every group with at least $min_posters accounts posting in it: its members in the
//   graph, its posts, the accounts that post there (the busiest first) and, with a
//   detection run ($run_id), how many of them belong to its flagged clusters and which
//   clusters. An operation seeds its own groups: a few accounts, all in flagged clusters,
//   writing most of a group's posts. One row per group; groups tied to flagged clusters
//   first.
// parameters:
//   min_posters: {type: int, default: 1, description: accounts that posted in the group}
//   run_id: {type: string, description: "detection run whose flagged clusters are looked up (default - none)"}
// ---
// Neo4j Browser: set the parameters, then run the statement.
// :params {min_posters: 1, run_id: null}
MATCH (g:Group)<-[:POSTED_IN]-(p:Post)<-[:POSTED]-(a:Account)
WITH g, a, count(p) AS posts
OPTIONAL MATCH (a)-[:IN_CLUSTER]->(k:Cluster {run_id: $run_id, flagged: true})
WITH g, a, posts, min(k.index) AS cluster
ORDER BY cluster IS NULL, posts DESC, a.handle
WITH g, collect(a.handle) AS posters, sum(posts) AS posts,
     collect(DISTINCT cluster) AS clusters,
     sum(CASE WHEN cluster IS NULL THEN 0 ELSE 1 END) AS flagged_posters
WHERE size(posters) >= $min_posters
RETURN g.name AS group_name, g.platform AS platform,
       count { (g)<-[:MEMBER_OF]-(:Account) } AS members_in_graph, posts,
       size(posters) AS posting_accounts, flagged_posters, clusters AS flagged_clusters,
       posters[..10] AS top_posters
ORDER BY flagged_posters DESC, posts DESC, group_name
