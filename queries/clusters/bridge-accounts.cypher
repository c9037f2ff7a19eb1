// name: bridge-accounts
// title: Accounts bridging two detected clusters
// category: clusters
// tags: [detection, clusters, coordination]
// mode: read
// description: >
//   Accounts of one cluster with coordination edges to at least $min_links accounts of
//   another cluster in the same run (newest run by default). Bridges are the handlers
//   and relays that tie sub-networks into one operation; they are worth a look even when
//   their own cluster scores low. One row per (account, other cluster).
// parameters:
//   min_links: {type: int, default: 2, description: coordinated partners in the other cluster}
//   run_id: {type: string, description: detection run id (default - the newest run)}
// ---
// Neo4j Browser: set the parameters, then run the statement.
// :params {min_links: 2, run_id: null}
MATCH (r:DetectionRun)
WHERE $run_id IS NULL OR r.id = $run_id
WITH r ORDER BY r.created_at DESC LIMIT 1
MATCH (a:Account)-[:IN_CLUSTER]->(home:Cluster)-[:FROM_RUN]->(r)
MATCH (a)-[c:COORDINATED_WITH]-(b:Account)-[:IN_CLUSTER]->(other:Cluster)-[:FROM_RUN]->(r)
WHERE other <> home AND c.run_id = r.id
WITH a, home, other, b ORDER BY b.handle
WITH a, home, other, collect(DISTINCT b.handle) AS partners
WHERE size(partners) >= $min_links
RETURN a.handle AS account, a.uid AS uid, home.id AS home_cluster,
       other.id AS other_cluster, size(partners) AS links, partners
ORDER BY links DESC, account, other_cluster
