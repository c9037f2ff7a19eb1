// name: flagged-clusters
// title: Clusters flagged by a detection run, with their explanation
// category: clusters
// tags: [detection, clusters]
// mode: read
// description: >
//   The clusters of the newest detection run (or $run_id) that detection flagged
//   (coordinated beyond chance), highest score first, with size, the explanation detection
//   wrote, and up to ten members. Set $include_unflagged to true to see every cluster of
//   the run.
// parameters:
//   run_id: {type: string, description: detection run id (default - the newest run)}
//   include_unflagged: {type: bool, default: false, description: list the clusters not flagged too}
// ---
// Neo4j Browser: set the parameters, then run the statement.
// :params {run_id: null, include_unflagged: false}
MATCH (r:DetectionRun)
WHERE $run_id IS NULL OR r.id = $run_id
WITH r ORDER BY r.created_at DESC LIMIT 1
MATCH (k:Cluster)-[:FROM_RUN]->(r)
WHERE k.flagged OR $include_unflagged
OPTIONAL MATCH (m)-[:IN_CLUSTER]->(k)
WITH r, k, coalesce(m.handle, m.name, m.uid) AS member ORDER BY member
WITH r, k, collect(member) AS members
RETURN r.id AS run_id, k.id AS cluster, k.score AS score, k.flagged AS flagged,
       size(members) AS size, k.explanation AS explanation, members[..10] AS members
ORDER BY score DESC, cluster
